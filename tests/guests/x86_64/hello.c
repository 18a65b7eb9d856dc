/* The first x86_64 guest: entered in 32-bit protected mode, it turns on long mode itself
 * (control-register and EFER writes the hypervisor follows), prints through the emulated 16550
 * (EPT violations decoded from the instruction), makes hypercalls, reads the CPUID the
 * hypervisor filters, takes the exceptions it reflects for MSRs, control-register and XCR0
 * writes the CPU would refuse, prints through COM1 (port I/O), finds nothing at COM2 and
 * powers off by hypercall. */
#include "guest.h"

#define X86_HC_VERSION 0
#define MSR_EFER 0xc0000080
#define CR4_VMXE (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

static void hypercalls(void)
{
	guest_printf("hypercalls: version %lld, unknown %lld\n",
		     (long long)guest_vmcall(X86_HC_VERSION, 0, 0),
		     (long long)guest_vmcall(0x1234, 0, 0));
}

static void cpuid_view(void)
{
	uint32_t r[4], sig[4];

	cpuid(1, r);
	cpuid(0x40000000, sig);
	guest_printf("cpuid: hypervisor %u, vmx %u, apic id %u, signature \"%.4s%.4s%.4s\"\n",
		     r[2] >> 31, (r[2] >> 5) & 1, r[1] >> 24, (const char *)&sig[1],
		     (const char *)&sig[2], (const char *)&sig[3]);
}

/* The 16550's LSR (offset 5: THRE and TEMT set, 0x60) read as movzbl, into AH, as movsbq and
 * into the low byte of a register whose other bits must stay. */
static void mmio_loads(void)
{
	uint64_t zx, ah = 0x1111111111111111ull, sx, w16 = 0x2222222222222222ull;
	volatile uint8_t *lsr = (volatile uint8_t *)(GUEST_UART + 5);

	__asm__ volatile("movzbl (%[p]), %k[zx]\n"
			 "mov (%[p]), %%ah\n"
			 "movsbq (%[p]), %[sx]\n"
			 "movb (%[p]), %b[w16]\n"
			 : [zx] "=&r"(zx), "+a"(ah), [sx] "=&r"(sx), [w16] "+&r"(w16)
			 : [p] "r"(lsr)
			 : "memory");
	guest_printf("emulated loads: movzbl 0x%llx, ah 0x%llx, movsbq 0x%llx, movb 0x%llx\n",
		     (unsigned long long)zx, (unsigned long long)ah, (unsigned long long)sx,
		     (unsigned long long)w16);
}

/* Runs one instruction expected to fault (len bytes long), reporting what it raised. */
#define EXPECT_FAULT(what, len, ...)                                                  \
	do {                                                                          \
		unsigned before = guest_traps.count;                                  \
		guest_trap_skip = (len);                                              \
		__asm__ volatile(__VA_ARGS__);                                        \
		guest_printf("%s: %s %llu, error 0x%llx\n", what,                     \
			     guest_traps.count == before + 1 ? "vector" : "NO FAULT", \
			     (unsigned long long)guest_traps.vector,                  \
			     (unsigned long long)guest_traps.error);                  \
	} while (0)

/* XCR0 written and read back: x87 and SSE. */
static void xcr0_set(uint64_t value)
{
	uint32_t lo, hi;

	__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	guest_printf("xcr0 0x%llx\n", (unsigned long long)hi << 32 | lo);
}

static void refused_writes(void)
{
	uint64_t cr4;

	EXPECT_FAULT("rdmsr 0x12345", 2, "rdmsr" : : "c"(0x12345) : "rax", "rdx");
	EXPECT_FAULT("wrmsr EFER bit 1", 2, "wrmsr" : : "c"(MSR_EFER), "a"(0x502), "d"(0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	EXPECT_FAULT("mov cr4 with VMXE", 3, "mov %0, %%cr4" : : "r"(cr4 | CR4_VMXE));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_OSXSAVE));
	EXPECT_FAULT("xsetbv without x87", 3, "xsetbv" : : "c"(0), "a"(2), "d"(0));
	xcr0_set(3);
	EXPECT_FAULT("vmxoff", 3, "vmxoff");
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	guest_printf("cr4 0x%llx\n", (unsigned long long)cr4);
}

/* REP OUTSB of a line to COM1's transmitter, then REP INSB of its LSR three times and INSW
 * from COM2, where nothing answers: one element per exit, RSI, RDI and RCX moved as the CPU
 * moves them. */
static void string_io(void)
{
	static const char line[] = "string I/O through COM1\n";
	uint8_t lsr[4] = {0, 0, 0, 0x5a};
	uint16_t nothing = 0;
	const char *src = line;
	uint8_t *dst = lsr;
	uint16_t *dst16 = &nothing;
	uint64_t count = sizeof(line) - 1, in_count = 3;

	__asm__ volatile("rep outsb" : "+S"(src), "+c"(count) : "d"(GUEST_COM1) : "memory");
	__asm__ volatile("rep insb" : "+D"(dst), "+c"(in_count) : "d"(GUEST_COM1 + 5) : "memory");
	__asm__ volatile("insw" : "+D"(dst16) : "d"(0x2f8) : "memory");
	guest_printf("string I/O: rsi +%lld, rcx %llu, lsr %x %x %x %x, rdi +%lld, com2 0x%x\n",
		     (long long)(src - line), (unsigned long long)count, lsr[0], lsr[1], lsr[2],
		     lsr[3], (long long)(dst - lsr), nothing);
}

void guest_main(uint64_t arg)
{
	uint64_t efer_lo, efer_hi;

	__asm__ volatile("rdmsr" : "=a"(efer_lo), "=d"(efer_hi) : "c"(MSR_EFER));
	guest_printf("hello from an x86_64 guest: arg 0x%llx, efer 0x%llx\n",
		     (unsigned long long)arg, (unsigned long long)(efer_hi << 32 | efer_lo));
	hypercalls();
	cpuid_view();
	mmio_loads();
	refused_writes();
	guest_com1_printf("hello through COM1: port 0x2fd reads 0x%x\n", guest_inb(0x2fd));
	string_io();
}
