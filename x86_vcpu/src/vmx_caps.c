#include <x86_vcpu/vmx_caps.h>

#include <axvm/format.h>

#define BASIC_REVISION_MASK 0x7fffffffull
#define BASIC_REGION_SIZE_SHIFT 32
#define BASIC_REGION_SIZE_MASK 0x1fffull
#define BASIC_ADDR_32BIT (1ull << 48)

#define EPT_CAP_WALK_4 (1ull << 6)
#define EPT_CAP_WALK_5 (1ull << 7)
#define EPT_CAP_2M (1ull << 16)
#define EPT_CAP_1G (1ull << 17)

struct vmx_caps vmx_caps_decode(uint64_t basic, uint64_t procbased, uint64_t procbased2,
				uint64_t ept_vpid_cap)
{
	struct vmx_caps c = {0};
	uint64_t ept_cap = 0;

	c.revision = (uint32_t)(basic & BASIC_REVISION_MASK);
	c.region_size = (uint32_t)(basic >> BASIC_REGION_SIZE_SHIFT & BASIC_REGION_SIZE_MASK);
	c.below_4g = basic & BASIC_ADDR_32BIT;
	if (procbased & VMX_PROCBASED_ALLOWED_SECONDARY)
		c.ept = procbased2 & VMX_PROCBASED2_ALLOWED_EPT;
	if (c.ept)
		ept_cap = ept_vpid_cap;
	c.ept_4level = ept_cap & EPT_CAP_WALK_4;
	c.ept_5level = ept_cap & EPT_CAP_WALK_5;
	c.ept_2m = ept_cap & EPT_CAP_2M;
	c.ept_1g = ept_cap & EPT_CAP_1G;
	return c;
}

uint64_t vmx_fixed_cr(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
	return (value | fixed0) & fixed1;
}

size_t vmx_caps_describe(const struct vmx_caps *caps, char *buf, size_t len)
{
	const char *pages = caps->ept_2m && caps->ept_1g ? " (2M,1G pages)"
			    : caps->ept_2m		 ? " (2M pages)"
			    : caps->ept_1g		 ? " (1G pages)"
							 : "";

	if (!caps->ept)
		return ax_snprintf(buf, len, "VMCS revision 0x%x, no EPT", caps->revision);
	return ax_snprintf(buf, len, "VMCS revision 0x%x, EPT %s%s", caps->revision,
			   caps->ept_4level   ? "4-level"
			   : caps->ept_5level ? "5-level"
					      : "without a usable page walk",
			   pages);
}
