#include "vm-harness.h"
