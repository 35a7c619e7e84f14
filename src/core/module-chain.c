/* SPDX-License-Identifier: MIT */
/* Chains of modules to probe: compared on a reload, made of one when forced. */
#include "module-chain.h"

bool hm_module_chain_equal(const struct hm_module_chain *a, const struct hm_module_chain *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->modules[i] != b->modules[i] || a->by_id[i] != b->by_id[i])
			return false;
	return true;
}

void hm_module_chain_single(struct hm_module_chain *chain, const struct hm_module *m)
{
	*chain = (struct hm_module_chain){.n = 1};
	chain->modules[0] = m;
	chain->by_id[0] = false;
}
