/* libFuzzer target: the VM bundle parser on arbitrary blobs of the size QEMU says it loaded,
 * then, as the VM host does, the configuration parser on each VM's config copied out of it.
 * Every pointer the bundle parser returns must lie inside the blob it was given. */
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/fuzz/fuzz_limits.h"
#include "tools/fuzz/require.h"

extern "C" {
#include <axvm/config.h>
#include <axvm/error.h>
#include <board/vm_bundle.h>
}

namespace
{

bool Inside(const void *p, size_t len, const std::vector<uint64_t> &blob, size_t size)
{
	auto base = reinterpret_cast<uintptr_t>(blob.data());
	auto a = reinterpret_cast<uintptr_t>(p);
	return a >= base && len <= size && a - base <= size - len;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const axvm_config_limits &limits = FuzzConfigLimits();
	std::vector<uint64_t> blob(size / 8 + 1);
	vm_bundle_vm vms[VM_BUNDLE_MAX_VMS];
	size_t count = 0;
	ax_diag diag{};

	std::memcpy(blob.data(), data, size);
	if (vm_bundle_parse(blob.data(), size, vms, &count, &diag) != AX_OK) {
		FuzzRequire(diag.msg[0] != '\0', "a refused bundle says why");
		return 0;
	}
	FuzzRequire(count <= VM_BUNDLE_MAX_VMS, "VM count");
	for (size_t i = 0; i < count; i++) {
		const vm_bundle_vm &vm = vms[i];
		for (int k = 0; k < AXVM_IMAGE_KINDS; k++)
			FuzzRequire(!vm.images.data[k] ||
					Inside(vm.images.data[k], vm.images.size[k], blob, size),
				    "an image inside the bundle");
		if (vm.err) {
			FuzzRequire(vm.why.msg[0] != '\0', "a refused VM says why");
			continue;
		}
		FuzzRequire(Inside(vm.config, vm.config_size, blob, size),
			    "the config inside the bundle");
		/* What the VM host does next: an aligned copy of the config, parsed. */
		std::vector<uint64_t> config(vm.config_size / 8 + 1);
		axvm_config cfg;
		std::memcpy(config.data(), vm.config, vm.config_size);
		(void)axvm_config_parse(config.data(), &limits, &cfg, &diag);
	}
	return 0;
}
