/* SPDX-License-Identifier: MIT */
#include "module.h"
#include "udev-rules.h"

void hm_udev_rules_write(FILE *f)
{
	fprintf(f,
	        "# Generated from hidmapd's module id tables; do not edit.\n"
	        "# The logged-in user gets access to these nodes through the uaccess tag\n"
	        "# (applied by systemd-logind's 73-seat-late.rules), so hidmapd never needs root.\n"
	        "\n"
	        "ACTION==\"remove\", GOTO=\"hidmapd_end\"\n"
	        "\n"
	        "# uinput, to create the virtual devices\n"
	        "KERNEL==\"uinput\", SUBSYSTEM==\"misc\", OPTIONS+=\"static_node=uinput\", "
	        "TAG+=\"uaccess\"\n"
	        "\n"
	        "# hidraw nodes of the devices hidmapd's modules drive\n");
	for (size_t i = 0; hm_modules[i]; i++) {
		const struct hm_module *m = hm_modules[i];

		if (!m->id_table)
			continue;
		fprintf(f, "# %s: %s\n", m->name, m->description);
		for (const struct hm_device_id *id = m->id_table; id->vendor || id->product; id++) {
			/* the parent HID device is named BBBB:VVVV:PPPP.NNNN */
			if (id->bus == HM_BUS_ANY)
				fprintf(f,
				        "SUBSYSTEM==\"hidraw\", KERNELS==\"*:%04X:%04X.*\", "
				        "TAG+=\"uaccess\"\n",
				        id->vendor, id->product);
			else
				fprintf(f,
				        "SUBSYSTEM==\"hidraw\", KERNELS==\"%04X:%04X:%04X.*\", "
				        "TAG+=\"uaccess\"\n",
				        id->bus, id->vendor, id->product);
		}
	}
	fprintf(f, "\nLABEL=\"hidmapd_end\"\n");
}
