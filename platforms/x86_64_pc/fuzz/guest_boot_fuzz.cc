/* libFuzzer target: a Linux VM's boot parameters from a hostile kernel image (the VM bundle's
 * bytes) and a configuration varied by the input: the setup header's fields overwritten, the
 * image cut anywhere, the load address, entry (either of the kernel's or another), boot tables,
 * vCPU count, command line and initrd size chosen by the input. Checked: every outcome is a
 * documented error or boot parameters within the buffer, with the kernel image a part of the bytes
 * given. */
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "platforms/x86_64_pc/tests/bzimage.h"
#include "tools/fuzz/require.h"

extern "C" {
#include <axaddrspace/pt_format.h>
#include <axvm/error.h>
#include <x86_vcpu/boot_tables.h>

#include "platforms/x86_64_pc/guest_boot.h"
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzedDataProvider in(data, size);
	std::vector<uint8_t> bz = bzimage::BzImage(in.ConsumeIntegral<uint8_t>(),
						   in.ConsumeIntegralInRange<size_t>(0, 16384),
						   in.ConsumeIntegral<uint16_t>());
	axvm_config cfg{};
	std::string cmdline = in.ConsumeRandomLengthString(4096);
	const guest_boot_cpu cpu = {0x306c3, 0x178bfbff};
	std::vector<uint8_t> out(in.ConsumeIntegralInRange<size_t>(0, 0x12000));
	size_t used = 0;
	ax_diag diag{};

	/* Header fields the input overwrites: any offset of the first 0x280 bytes. */
	for (int n = in.ConsumeIntegralInRange(0, 16); n > 0 && !bz.empty(); n--)
		bz[in.ConsumeIntegralInRange<size_t>(0, std::min<size_t>(bz.size(), 0x280) - 1)] =
		    in.ConsumeIntegral<uint8_t>();
	bz.resize(in.ConsumeIntegralInRange<size_t>(0, bz.size()));
	cfg.vcpu_count = in.ConsumeIntegralInRange<uint32_t>(1, AXVM_MAX_VCPUS);
	cfg.bootargs = cmdline.c_str();
	cfg.memory_count = 1;
	cfg.memory[0] = {
	    0, in.ConsumeIntegralInRange<uint64_t>(1, 1ull << 32), AXMAP_RWX, AXVM_MEM_ALLOC, 0, 0};
	cfg.image_count = 3;
	cfg.images[0] = {AXVM_IMAGE_KERNEL, in.ConsumeIntegral<uint32_t>(), 0};
	cfg.images[1] = {AXVM_IMAGE_BOOT_PARAMS, in.ConsumeIntegralInRange<uint64_t>(0, 0xa0000),
			 0};
	cfg.images[2] = {AXVM_IMAGE_INITRD, in.ConsumeIntegral<uint64_t>(), 0};
	switch (in.ConsumeIntegralInRange<int>(0, 2)) {
	case 0:
		cfg.entry = cfg.images[0].load_gpa;
		break;
	case 1:
		cfg.entry = cfg.images[0].load_gpa + 0x200;
		break;
	default:
		cfg.entry = in.ConsumeIntegral<uint32_t>();
	}
	cfg.boot_tables =
	    in.ConsumeBool() ? cfg.images[1].load_gpa + in.ConsumeIntegral<uint16_t>() : 0;
	cfg.device_count = 1;
	std::strcpy(cfg.devices[0].compatible, "intel,ce4100-ioapic");
	cfg.devices[0].gpa = 0xfec00000;

	guest_boot_kernel kernel = {bz.data(), bz.size()};
	int err = guest_boot_params(&cfg, &cpu, &kernel, in.ConsumeIntegral<uint32_t>(), out.data(),
				    out.size(), &used, &diag);
	FuzzRequire(err == AX_OK || err == AXERR_INVALID || err == AXERR_BAD_CONFIG,
		    "a documented error");
	if (err)
		return 0;
	FuzzRequire(used <= out.size(), "within the buffer");
	FuzzRequire(!cfg.boot_tables ||
			(cfg.boot_tables - cfg.images[1].load_gpa + X86_BOOT_TABLES_SIZE <= used),
		    "the boot tables are inside what the VM loads");
	FuzzRequire(kernel.data >= bz.data() &&
			static_cast<const uint8_t *>(kernel.data) + kernel.size <=
			    bz.data() + bz.size(),
		    "the kernel is a part of the image");
	return 0;
}
