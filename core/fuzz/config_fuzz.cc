/* libFuzzer target: the VM configuration parser on arbitrary devicetree blobs, then the device
 * models created from an accepted config's /devices nodes, as VM creation does. The host hands
 * axvm_config_parse an 8-byte aligned copy whose header's totalsize fits the bytes it has (the
 * bundle parser checks that much); everything past that is the parser's to refuse. An accepted
 * configuration must keep the promises docs/config.md makes; its devices are created or
 * refused with a reason, and destroyed without a leak. */
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/fuzz/fuzz_limits.h"
#include "tools/fuzz/require.h"

#include "core/base/tests/malloc_allocator.h"

extern "C" {
#include <axaddrspace/pt_format.h>
#include <axdevice/device_set.h>
#include <axdevice/fdt_device.h>
#include <axvm/config.h>
#include <axvm/error.h>
#include <libfdt.h>
}

namespace
{

/* An empty range (the gpa and size of a device with no MMIO window) overlaps nothing. */
bool Overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a_size && b_size && a <= b + (b_size - 1) && b <= a + (a_size - 1);
}

bool Fits(uint64_t base, uint64_t size, unsigned bits)
{
	uint64_t limit = bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
	return size && base <= limit && size - 1 <= limit - base;
}

void CheckAccepted(const axvm_config &c, const axvm_config_limits &l)
{
	FuzzRequire(c.vcpu_count >= 1 && c.vcpu_count <= l.max_vcpus, "vcpu count");
	for (uint32_t i = 0; i < c.vcpu_count; i++) {
		FuzzRequire(c.vcpu_affinity[i] >= -1 && c.vcpu_affinity[i] < (int32_t)l.host_cpus,
			    "affinity");
		for (uint32_t j = 0; j < i; j++)
			FuzzRequire(c.vcpu_guest_id[j] != c.vcpu_guest_id[i], "distinct cpu ids");
	}
	FuzzRequire(c.bootargs != nullptr, "bootargs");
	FuzzRequire(c.memory_count >= 1 && c.memory_count <= AXVM_MAX_MEMORY_REGIONS,
		    "memory count");
	FuzzRequire(c.image_count <= AXVM_MAX_IMAGES, "image count");
	FuzzRequire(c.device_count <= AXVM_MAX_DEVICES, "device count");
	FuzzRequire(c.passthrough_count <= AXVM_MAX_PASSTHROUGH, "pass-through count");
	FuzzRequire(std::memchr(c.name, 0, sizeof(c.name)) != nullptr, "name terminated");
	for (size_t i = 0; i < c.memory_count; i++) {
		const axvm_mem_region &m = c.memory[i];
		FuzzRequire(Fits(m.gpa, m.size, l.gpa_bits), "memory within gpa bits");
		FuzzRequire(!(m.gpa & 0xfff) && !(m.size & 0xfff), "memory page aligned");
		for (size_t j = 0; j < i; j++)
			FuzzRequire(!Overlap(m.gpa, m.size, c.memory[j].gpa, c.memory[j].size),
				    "memory regions apart");
		for (size_t j = 0; j < c.device_count; j++)
			FuzzRequire(!Overlap(m.gpa, m.size, c.devices[j].gpa, c.devices[j].size),
				    "devices apart from memory");
		for (size_t j = 0; j < c.passthrough_count; j++)
			FuzzRequire(
			    !Overlap(m.gpa, m.size, c.passthrough[j].gpa, c.passthrough[j].size),
			    "pass-through apart from memory");
	}
	bool entry_ok = false;
	for (size_t j = 0; j < c.memory_count; j++)
		entry_ok |= c.entry - c.memory[j].gpa < c.memory[j].size &&
			    (c.memory[j].flags & AXMAP_EXEC);
	FuzzRequire(entry_ok, "entry in executable memory");
	for (size_t i = 0; i < c.device_count; i++) {
		const axvm_device &d = c.devices[i];
		/* None for a device in the port space only (an ISA bus's I/O-space child). */
		FuzzRequire(d.window_count <= AXVM_DEVICE_WINDOWS, "device windows");
		FuzzRequire(d.window_count ? d.gpa == d.window[0].gpa && d.size == d.window[0].size
					   : d.gpa == 0 && d.size == 0,
			    "first window");
		for (uint32_t w = 0; w < d.window_count; w++) {
			FuzzRequire(Fits(d.window[w].gpa, d.window[w].size, l.gpa_bits),
				    "device window in gpa bits");
			for (size_t k = 0; k < c.memory_count; k++)
				FuzzRequire(!Overlap(d.window[w].gpa, d.window[w].size,
						     c.memory[k].gpa, c.memory[k].size),
					    "device windows apart from memory");
			for (size_t j = 0; j < i; j++)
				for (uint32_t x = 0; x < c.devices[j].window_count; x++)
					FuzzRequire(!Overlap(d.window[w].gpa, d.window[w].size,
							     c.devices[j].window[x].gpa,
							     c.devices[j].window[x].size),
						    "device windows apart");
		}
	}
	for (size_t i = 0; i < c.passthrough_count; i++) {
		const axvm_passthrough &p = c.passthrough[i];
		FuzzRequire(Fits(p.gpa, p.size, l.gpa_bits), "pass-through in gpa bits");
		FuzzRequire(Fits(p.hpa, p.size, 64), "pass-through host range");
		FuzzRequire(!(p.gpa & 0xfff) && !(p.hpa & 0xfff), "pass-through page aligned");
		for (size_t j = 0; j < i; j++)
			FuzzRequire(
			    !Overlap(p.hpa, p.size, c.passthrough[j].hpa, c.passthrough[j].size),
			    "pass-through host ranges apart");
		for (size_t j = 0; j < c.device_count; j++)
			FuzzRequire(!Overlap(p.gpa, p.size, c.devices[j].gpa, c.devices[j].size),
				    "pass-through apart from devices");
	}
	for (size_t i = 0; i < c.image_count; i++) {
		bool inside = false;
		for (size_t j = 0; j < c.memory_count; j++)
			inside |= c.images[i].load_gpa - c.memory[j].gpa < c.memory[j].size;
		FuzzRequire(inside, "image in memory");
	}
}

/* What VM creation does with the config's devices: each one created on the VM's device set,
 * or refused with a reason; all of them freed with the set. */
void CreateDevices(const void *fdt, const axvm_config &c)
{
	MallocAllocator mem;
	axdevice_set set;

	FuzzRequire(axdevice_set_init(&set, &mem.ops) == AX_OK, "a device set");
	for (size_t i = 0; i < c.device_count; i++) {
		ax_diag diag{};
		int err = axdevice_set_add_from_fdt(&set, fdt, c.devices[i].node, nullptr, nullptr,
						    &diag);
		FuzzRequire(err == AX_OK || diag.msg[0] != '\0', "a refused device says why");
	}
	axdevice_set_destroy(&set);
	FuzzRequire(mem.live == 0, "every device freed");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const axvm_config_limits &limits = FuzzConfigLimits();
	std::vector<uint64_t> blob(size / 8 + 1);
	axvm_config cfg;
	ax_diag diag{};

	if (size < sizeof(fdt_header))
		return 0;
	std::memcpy(blob.data(), data, size);
	if (fdt_totalsize(blob.data()) > size)
		return -1; /* the bundle parser refuses these before a config is parsed */
	int err = axvm_config_parse(blob.data(), &limits, &cfg, &diag);
	if (err == AX_OK) {
		CheckAccepted(cfg, limits);
		CreateDevices(blob.data(), cfg);
	} else
		FuzzRequire(diag.msg[0] != '\0' && std::memchr(diag.msg, 0, sizeof(diag.msg)),
			    "a refusal says why");
	return 0;
}
