#include "exception_info.h"

#define PF_PRESENT (1u << 0)
#define PF_WRITE (1u << 1)
#define PF_USER (1u << 2)
#define PF_RESERVED_BIT (1u << 3)
#define PF_FETCH (1u << 4)
#define PF_PROTECTION_KEY (1u << 5)
#define PF_SHADOW_STACK (1u << 6)
#define PF_SGX (1u << 15)

#define VECTORS 32

static const struct {
	const char *name;
	const char *mnemonic;
	bool error_code;
} vectors[VECTORS] = {
    [0] = {"divide error", "#DE", false},
    [1] = {"debug", "#DB", false},
    [2] = {"non-maskable interrupt", "NMI", false},
    [3] = {"breakpoint", "#BP", false},
    [4] = {"overflow", "#OF", false},
    [5] = {"BOUND range exceeded", "#BR", false},
    [6] = {"invalid opcode", "#UD", false},
    [7] = {"device not available", "#NM", false},
    [8] = {"double fault", "#DF", true},
    [9] = {"coprocessor segment overrun", "", false},
    [10] = {"invalid TSS", "#TS", true},
    [11] = {"segment not present", "#NP", true},
    [12] = {"stack-segment fault", "#SS", true},
    [13] = {"general protection", "#GP", true},
    [14] = {"page fault", "#PF", true},
    [16] = {"x87 floating-point error", "#MF", false},
    [17] = {"alignment check", "#AC", true},
    [18] = {"machine check", "#MC", false},
    [19] = {"SIMD floating-point exception", "#XM", false},
    [20] = {"virtualization exception", "#VE", false},
    [21] = {"control protection", "#CP", true},
    [28] = {"hypervisor injection", "#HV", false},
    [29] = {"VMM communication", "#VC", true},
    [30] = {"security exception", "#SX", true},
};

const char *x86_exception_name(uint64_t vector)
{
	if (vector >= VECTORS)
		return "not an exception";
	return vectors[vector].name ? vectors[vector].name : "reserved";
}

const char *x86_exception_mnemonic(uint64_t vector)
{
	if (vector >= VECTORS || !vectors[vector].mnemonic)
		return "";
	return vectors[vector].mnemonic;
}

bool x86_exception_has_error_code(uint64_t vector)
{
	return vector < VECTORS && vectors[vector].error_code;
}

/* Appends s at *pos in buf (of len bytes), keeping the string terminated. */
static void append(char *buf, size_t len, size_t *pos, const char *s)
{
	while (*s && *pos + 1 < len)
		buf[(*pos)++] = *s++;
	if (len)
		buf[*pos] = '\0';
}

void x86_page_fault_describe(uint64_t error_code, char *buf, size_t len)
{
	static const struct {
		uint64_t bit;
		const char *text;
	} extras[] = {
	    {PF_RESERVED_BIT, ", reserved bit set"},
	    {PF_FETCH, ", instruction fetch"},
	    {PF_PROTECTION_KEY, ", protection key"},
	    {PF_SHADOW_STACK, ", shadow stack"},
	    {PF_SGX, ", SGX"},
	};
	size_t pos = 0;

	append(buf, len, &pos,
	       error_code & PF_PRESENT ? "protection violation" : "not-present page");
	append(buf, len, &pos, error_code & PF_WRITE ? ", write" : ", read");
	append(buf, len, &pos, error_code & PF_USER ? ", user" : ", supervisor");
	for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++) {
		if (error_code & extras[i].bit)
			append(buf, len, &pos, extras[i].text);
	}
}
