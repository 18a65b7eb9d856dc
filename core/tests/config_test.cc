#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" {
#include <axaddrspace/pt_format.h>
#include <axdevice/fdt_model.h>
#include <axvm/config.h>
#include <axvm/error.h>
#include <libfdt.h>
}

namespace
{

const char *const kKnownDevices[] = {"ns16550a", "arm,pl011", nullptr};

/* The test host: 4 CPUs, at most 8 vCPUs, a 40-bit guest-physical space. */
axvm_config_limits Limits()
{
	axvm_config_limits limits = {};

	limits.max_vcpus = 8;
	limits.host_cpus = 4;
	limits.gpa_bits = 40;
	limits.known_devices = kKnownDevices;
	return limits;
}

std::vector<char> ReadBlob(const std::string &name)
{
	std::ifstream in("core/tests/configs/" + name + ".dtb", std::ios::binary);
	EXPECT_TRUE(in.good()) << name;
	return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

struct Result {
	int err;
	axvm_config cfg;
	std::string diag;
};

Result Parse(const void *blob, const axvm_config_limits &limits = Limits())
{
	Result r;
	ax_diag diag = {};

	std::memset(&r.cfg, 0x5a, sizeof(r.cfg));
	r.err = axvm_config_parse(blob, &limits, &r.cfg, &diag);
	r.diag = diag.msg;
	return r;
}

bool IsZero(const axvm_config &cfg)
{
	axvm_config zero;

	std::memset(&zero, 0, sizeof(zero));
	return std::memcmp(&cfg, &zero, sizeof(cfg)) == 0;
}

int NodeAt(const std::vector<char> &blob, const char *path)
{
	return fdt_path_offset(blob.data(), path);
}

/* Builds blobs that dtc would refuse to write, with libfdt's sequential-write API. */
class Builder
{
      public:
	Builder() : buf_(16384)
	{
		Check(fdt_create(buf_.data(), static_cast<int>(buf_.size())));
		Check(fdt_finish_reservemap(buf_.data()));
	}

	Builder &Begin(const char *name)
	{
		Check(fdt_begin_node(buf_.data(), name));
		return *this;
	}

	Builder &End()
	{
		Check(fdt_end_node(buf_.data()));
		return *this;
	}

	Builder &Str(const char *name, const char *value)
	{
		Check(fdt_property_string(buf_.data(), name, value));
		return *this;
	}

	/* A string list property: the strings one after the other, each with its NUL. */
	Builder &Strs(const char *name, std::initializer_list<std::string> values)
	{
		std::string all;
		for (const std::string &v : values)
			all.append(v).push_back('\0');
		Check(fdt_property(buf_.data(), name, all.data(), static_cast<int>(all.size())));
		return *this;
	}

	Builder &U32(const char *name, uint32_t value)
	{
		Check(fdt_property_u32(buf_.data(), name, value));
		return *this;
	}

	Builder &U64(const char *name, uint64_t value)
	{
		Check(fdt_property_u64(buf_.data(), name, value));
		return *this;
	}

	Builder &Reg(uint64_t base, uint64_t size)
	{
		fdt64_t cells[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};

		Check(fdt_property(buf_.data(), "reg", cells, sizeof(cells)));
		return *this;
	}

	/* Opens the root of a minimal valid VM: identity, one vCPU, 1 MiB of RAM. */
	Builder &MinimalVm()
	{
		Begin("").Str("compatible", "axvm,vm").U32("id", 7).Str("vm-name", "min");
		U32("vcpus", 1).U64("entry", 0x80000000);
		Begin("memory").U32("#address-cells", 2).U32("#size-cells", 2);
		Begin("ram@80000000").Reg(0x80000000, 0x100000).Str("access", "rwx").End();
		return End();
	}

	std::vector<char> Finish()
	{
		Check(fdt_finish(buf_.data()));
		buf_.resize(fdt_totalsize(buf_.data()));
		return buf_;
	}

      private:
	static void Check(int err)
	{
		EXPECT_EQ(err, 0) << fdt_strerror(err);
	}

	std::vector<char> buf_;
};

TEST(ConfigParse, Riscv64Example)
{
	std::vector<char> blob = ReadBlob("riscv64");
	Result r = Parse(blob.data());

	ASSERT_EQ(r.err, AX_OK) << r.diag;
	EXPECT_EQ(r.diag, "");
	EXPECT_EQ(r.cfg.fdt, blob.data());
	EXPECT_EQ(r.cfg.id, 1u);
	EXPECT_STREQ(r.cfg.name, "linux0");
	EXPECT_EQ(r.cfg.vcpu_count, 2u);
	EXPECT_EQ(r.cfg.vcpu_affinity[0], 0);
	EXPECT_EQ(r.cfg.vcpu_affinity[1], 1);
	for (int i = 2; i < AXVM_MAX_VCPUS; i++)
		EXPECT_EQ(r.cfg.vcpu_affinity[i], -1) << i;
	EXPECT_EQ(r.cfg.entry, 0x80200000u);
	EXPECT_EQ(r.cfg.on_reset, AXVM_RESET_STOP);
	EXPECT_STREQ(r.cfg.bootargs, "console=ttyS0 earlycon");

	ASSERT_EQ(r.cfg.memory_count, 1u);
	EXPECT_EQ(r.cfg.memory[0].gpa, 0x80000000u);
	EXPECT_EQ(r.cfg.memory[0].size, 0x8000000u);
	EXPECT_EQ(r.cfg.memory[0].flags, uint32_t{AXMAP_READ | AXMAP_WRITE | AXMAP_EXEC});
	EXPECT_EQ(r.cfg.memory[0].kind, AXVM_MEM_ALLOC);
	EXPECT_EQ(r.cfg.memory[0].hpa, 0u);

	ASSERT_EQ(r.cfg.image_count, 3u);
	EXPECT_EQ(r.cfg.images[0].kind, AXVM_IMAGE_KERNEL);
	EXPECT_EQ(r.cfg.images[0].load_gpa, 0x80200000u);
	EXPECT_EQ(r.cfg.images[0].size, 0u);
	EXPECT_EQ(r.cfg.images[1].kind, AXVM_IMAGE_INITRD);
	EXPECT_EQ(r.cfg.images[1].load_gpa, 0x84000000u);
	EXPECT_EQ(r.cfg.images[1].size, 0x1000000u);
	EXPECT_EQ(r.cfg.images[2].kind, AXVM_IMAGE_DTB);
	EXPECT_EQ(r.cfg.images[2].load_gpa, 0x87e00000u);
	EXPECT_EQ(r.cfg.images[2].size, 0x10000u);

	ASSERT_EQ(r.cfg.device_count, 1u);
	EXPECT_EQ(r.cfg.devices[0].node, NodeAt(blob, "/devices/uart@10000000"));
	EXPECT_STREQ(r.cfg.devices[0].compatible, "ns16550a");
	EXPECT_EQ(r.cfg.devices[0].gpa, 0x10000000u);
	EXPECT_EQ(r.cfg.devices[0].size, 0x100u);

	ASSERT_EQ(r.cfg.passthrough_count, 1u);
	EXPECT_EQ(r.cfg.passthrough[0].gpa, 0x20000000u);
	EXPECT_EQ(r.cfg.passthrough[0].hpa, 0x20000000u);
	EXPECT_EQ(r.cfg.passthrough[0].size, 0x2000000u);
}

TEST(ConfigParse, ADeviceMayHaveSeveralWindows)
{
	std::vector<char> blob = ReadBlob("ok_device_windows");
	Result r = Parse(blob.data());

	ASSERT_EQ(r.err, AX_OK) << r.diag;
	ASSERT_EQ(r.cfg.device_count, 1u);
	const axvm_device &d = r.cfg.devices[0];
	ASSERT_EQ(d.window_count, 2u);
	EXPECT_EQ(d.window[0].gpa, 0x10000000u);
	EXPECT_EQ(d.window[0].size, 0x100u);
	EXPECT_EQ(d.window[1].gpa, 0x10100000u);
	EXPECT_EQ(d.window[1].size, 0x1000u);
	EXPECT_EQ(d.gpa, d.window[0].gpa) << "gpa and size are the first window";
	EXPECT_EQ(d.size, d.window[0].size);
}

TEST(ConfigParse, Aarch64Example)
{
	std::vector<char> blob = ReadBlob("aarch64");
	Result r = Parse(blob.data());

	ASSERT_EQ(r.err, AX_OK) << r.diag;
	EXPECT_EQ(r.cfg.fdt, blob.data());
	EXPECT_EQ(r.cfg.id, 2u);
	EXPECT_STREQ(r.cfg.name, "arm-guest");
	EXPECT_EQ(r.cfg.vcpu_count, 4u);
	for (int i = 0; i < AXVM_MAX_VCPUS; i++)
		EXPECT_EQ(r.cfg.vcpu_affinity[i], -1) << i;
	EXPECT_EQ(r.cfg.entry, 0x40200000u);

	ASSERT_EQ(r.cfg.memory_count, 2u);
	EXPECT_EQ(r.cfg.memory[0].gpa, 0x40000000u);
	EXPECT_EQ(r.cfg.memory[0].size, 0x20000000u);
	EXPECT_EQ(r.cfg.memory[0].flags, uint32_t{AXMAP_RWX});
	EXPECT_EQ(r.cfg.memory[0].kind, AXVM_MEM_ALLOC_LAZY);
	EXPECT_EQ(r.cfg.memory[0].hpa, 0u);
	EXPECT_EQ(r.cfg.memory[1].gpa, 0x60000000u);
	EXPECT_EQ(r.cfg.memory[1].size, 0x200000u);
	EXPECT_EQ(r.cfg.memory[1].flags, uint32_t{AXMAP_READ | AXMAP_WRITE | AXMAP_DEVICE});
	EXPECT_EQ(r.cfg.memory[1].kind, AXVM_MEM_LINEAR);
	EXPECT_EQ(r.cfg.memory[1].hpa, 0x100000000u);

	ASSERT_EQ(r.cfg.image_count, 2u);
	EXPECT_EQ(r.cfg.images[0].kind, AXVM_IMAGE_KERNEL);
	EXPECT_EQ(r.cfg.images[0].load_gpa, 0x40200000u);
	EXPECT_EQ(r.cfg.images[0].size, 0u);
	EXPECT_EQ(r.cfg.images[1].kind, AXVM_IMAGE_DTB);
	EXPECT_EQ(r.cfg.images[1].load_gpa, 0x48000000u);
	EXPECT_EQ(r.cfg.images[1].size, 0u);

	ASSERT_EQ(r.cfg.device_count, 1u);
	EXPECT_EQ(r.cfg.devices[0].node, NodeAt(blob, "/devices/uart@9000000"));
	EXPECT_STREQ(r.cfg.devices[0].compatible, "arm,pl011");
	EXPECT_EQ(r.cfg.devices[0].gpa, 0x9000000u);
	EXPECT_EQ(r.cfg.devices[0].size, 0x1000u);

	EXPECT_EQ(r.cfg.passthrough_count, 0u);
}

TEST(ConfigParse, X86_64Example)
{
	std::vector<char> blob = ReadBlob("x86_64");
	Result r = Parse(blob.data());

	ASSERT_EQ(r.err, AX_OK) << r.diag;
	EXPECT_EQ(r.cfg.fdt, blob.data());
	EXPECT_EQ(r.cfg.id, 3u);
	EXPECT_STREQ(r.cfg.name, "x86.guest_0");
	EXPECT_EQ(r.cfg.vcpu_count, 1u);
	EXPECT_EQ(r.cfg.vcpu_affinity[0], 3);
	for (int i = 1; i < AXVM_MAX_VCPUS; i++)
		EXPECT_EQ(r.cfg.vcpu_affinity[i], -1) << i;
	EXPECT_EQ(r.cfg.entry, 0x100000u);

	ASSERT_EQ(r.cfg.memory_count, 2u);
	EXPECT_EQ(r.cfg.memory[0].gpa, 0u);
	EXPECT_EQ(r.cfg.memory[0].size, 0x8000000u);
	EXPECT_EQ(r.cfg.memory[0].flags, uint32_t{AXMAP_RWX});
	EXPECT_EQ(r.cfg.memory[0].kind, AXVM_MEM_ALLOC_LAZY) << "the default backing";
	EXPECT_EQ(r.cfg.memory[0].lazy_unit, AXVM_LAZY_UNIT_DEFAULT);
	EXPECT_EQ(r.cfg.on_reset, AXVM_RESET_RESTART) << "the default";
	EXPECT_STREQ(r.cfg.bootargs, "") << "no /chosen";
	EXPECT_EQ(r.cfg.memory[0].hpa, 0u);
	EXPECT_EQ(r.cfg.memory[1].gpa, 0x100000000u);
	EXPECT_EQ(r.cfg.memory[1].size, 0x40000000u);
	EXPECT_EQ(r.cfg.memory[1].flags, uint32_t{AXMAP_READ | AXMAP_WRITE});
	EXPECT_EQ(r.cfg.memory[1].kind, AXVM_MEM_ALLOC_LAZY);
	EXPECT_EQ(r.cfg.memory[1].lazy_unit, 0x10000u);
	EXPECT_EQ(r.cfg.memory[1].hpa, 0u);

	ASSERT_EQ(r.cfg.image_count, 1u);
	EXPECT_EQ(r.cfg.images[0].kind, AXVM_IMAGE_KERNEL);
	EXPECT_EQ(r.cfg.images[0].load_gpa, 0x100000u);
	EXPECT_EQ(r.cfg.images[0].size, 0x800000u);

	EXPECT_EQ(r.cfg.device_count, 0u);
	EXPECT_EQ(r.cfg.passthrough_count, 0u);
}

TEST(ConfigParse, DeviceNodesAreReadableLater)
{
	std::vector<char> blob = ReadBlob("riscv64");
	Result r = Parse(blob.data());
	int len = 0;

	ASSERT_EQ(r.err, AX_OK) << r.diag;
	const void *irq = fdt_getprop(r.cfg.fdt, r.cfg.devices[0].node, "interrupts", &len);
	ASSERT_NE(irq, nullptr);
	ASSERT_EQ(len, 4);
	EXPECT_EQ(fdt32_ld(static_cast<const fdt32_t *>(irq)), 10u);
}

TEST(ConfigParse, SkipsDisabledDevices)
{
	std::vector<char> blob = ReadBlob("ok_disabled_device");
	Result r = Parse(blob.data());

	ASSERT_EQ(r.err, AX_OK) << r.diag;
	ASSERT_EQ(r.cfg.device_count, 1u);
	EXPECT_EQ(r.cfg.devices[0].node, NodeAt(blob, "/devices/uart@10000000"));
}

/* The index in cfg.devices of the device created from path, or -1. */
int DeviceAt(const Result &r, const std::vector<char> &blob, const char *path)
{
	for (size_t i = 0; i < r.cfg.device_count; i++) {
		if (r.cfg.devices[i].node == NodeAt(blob, path))
			return static_cast<int>(i);
	}
	return -1;
}

TEST(ConfigParse, IsaBusDevicesArePortsOrTranslatedMemory)
{
	std::vector<char> blob = ReadBlob("ok_isa");
	Result r = Parse(blob.data());

	ASSERT_EQ(r.err, AX_OK) << r.diag;
	ASSERT_EQ(r.cfg.device_count, 4u);
	for (const char *path : {"/devices/isa/serial@i3f8", "/devices/isa/serial@i2f8"}) {
		SCOPED_TRACE(path);
		int i = DeviceAt(r, blob, path);
		ASSERT_GE(i, 0);
		const axvm_device &d = r.cfg.devices[i];
		EXPECT_STREQ(d.compatible, "ns16550a");
		EXPECT_EQ(d.window_count, 0u) << "ports are no guest-physical window";
		EXPECT_EQ(d.gpa, 0u);
		EXPECT_EQ(d.size, 0u);
	}
	int mem = DeviceAt(r, blob, "/devices/isa/serial@1000");
	ASSERT_GE(mem, 0);
	const axvm_device &d = r.cfg.devices[mem];
	ASSERT_EQ(d.window_count, 1u);
	EXPECT_EQ(d.window[0].gpa, 0x30001000u) << "through the bus's ranges";
	EXPECT_EQ(d.window[0].size, 0x100u);
	EXPECT_EQ(d.gpa, 0x30001000u);
	EXPECT_EQ(d.size, 0x100u);
}

TEST(ConfigParse, AcceptsLimitsMetExactly)
{
	std::vector<char> blob = ReadBlob("ok_edges");
	Result r = Parse(blob.data());

	ASSERT_EQ(r.err, AX_OK) << r.diag;
	EXPECT_STREQ(r.cfg.name, "a-name-of-exactly-31-characters");
	ASSERT_EQ(r.cfg.memory_count, 3u);
	EXPECT_EQ(r.cfg.memory[1].gpa, 0xfffffff000u);
	EXPECT_EQ(r.cfg.memory[1].flags, uint32_t{AXMAP_READ});
	EXPECT_EQ(r.cfg.memory[2].flags, uint32_t{AXMAP_EXEC});
	EXPECT_EQ(r.cfg.device_count, 2u);
	EXPECT_EQ(r.cfg.images[2].size, 0x200000u);
}

TEST(ConfigParse, WholeSixtyFourBitSpace)
{
	std::vector<char> blob = ReadBlob("ok_edges");
	axvm_config_limits limits = Limits();

	limits.gpa_bits = 64;
	EXPECT_EQ(Parse(blob.data(), limits).err, AX_OK);
}

TEST(ConfigParse, NarrowGuestPhysicalSpace)
{
	std::vector<char> blob = ReadBlob("riscv64");
	axvm_config_limits limits = Limits();

	limits.gpa_bits = 31;
	Result r = Parse(blob.data(), limits);
	EXPECT_EQ(r.err, AXERR_BAD_CONFIG);
	EXPECT_EQ(r.diag, "/memory/ram@80000000: reg: [0x80000000, +0x8000000) is beyond the "
			  "31-bit guest-physical space");
}

TEST(ConfigParse, VcpusCappedByAxvmMaxVcpus)
{
	std::vector<char> blob = ReadBlob("bad_vcpus_17");
	axvm_config_limits limits = Limits();

	limits.max_vcpus = 64;
	Result r = Parse(blob.data(), limits);
	EXPECT_EQ(r.err, AXERR_BAD_CONFIG);
	EXPECT_EQ(r.diag, "/: vcpus: 17 is above the limit of 16");
	EXPECT_TRUE(IsZero(r.cfg));
}

TEST(ConfigParse, CpuIdsAreTheGuestsOwnAndDefaultToTheIndex)
{
	std::vector<char> blob = ReadBlob("ok_cpu_ids");
	Result r = Parse(blob.data());
	ASSERT_EQ(r.err, AX_OK) << r.diag;
	EXPECT_EQ(r.cfg.vcpu_guest_id[0], 0x100u);
	EXPECT_EQ(r.cfg.vcpu_guest_id[1], 0x1u);
	std::vector<char> plain = ReadBlob("riscv64");
	Result d = Parse(plain.data());
	ASSERT_EQ(d.err, AX_OK) << d.diag;
	EXPECT_EQ(d.cfg.vcpu_guest_id[0], 0u);
	EXPECT_EQ(d.cfg.vcpu_guest_id[1], 1u);
}

TEST(ConfigParse, BootTablesAreOptional)
{
	std::vector<char> blob = ReadBlob("ok_boot_tables");
	Result r = Parse(blob.data());
	ASSERT_EQ(r.err, AX_OK) << r.diag;
	EXPECT_EQ(r.cfg.boot_tables, 0x80010000u);
	std::vector<char> plain = ReadBlob("riscv64");
	Result d = Parse(plain.data());
	ASSERT_EQ(d.err, AX_OK) << d.diag;
	EXPECT_EQ(d.cfg.boot_tables, 0u) << "none: translation off";
}

TEST(ConfigParse, AHostMayAllowFewerModelsThanAxdeviceHas)
{
	const char *const pl011_only[] = {"arm,pl011", nullptr};
	axvm_config_limits limits = Limits();
	std::vector<char> riscv = ReadBlob("riscv64");

	limits.known_devices = nullptr;
	EXPECT_EQ(Parse(riscv.data(), limits).err, AX_OK) << "NULL: every model axdevice has";
	limits.known_devices = pl011_only;
	Result r = Parse(riscv.data(), limits);
	EXPECT_EQ(r.err, AXERR_BAD_CONFIG);
	EXPECT_EQ(r.diag, "/devices/uart@10000000: compatible: no device model for \"ns16550a\"");
}

TEST(ConfigParse, AModelTheHostOffersIsAccepted)
{
	static const char *const compatibles[] = {"acme,uart", nullptr};
	static const axdevice_model model = {compatibles, AXDEVICE_ROLE_CONSOLE, nullptr, nullptr};
	static const axdevice_model *const models[] = {&model};
	const axdevice_model_list list = {models, 1};
	axvm_config_limits limits = Limits();
	Builder b;

	limits.known_devices = nullptr;
	limits.device_models = &list;
	b.MinimalVm().Begin("devices").U32("#address-cells", 2).U32("#size-cells", 2);
	b.Begin("dev@10000000").Str("compatible", "acme,uart").Reg(0x10000000, 0x1000).End();
	std::vector<char> blob = b.End().End().Finish();
	Result r = Parse(blob.data(), limits);
	ASSERT_EQ(r.err, AX_OK) << r.diag;
	EXPECT_EQ(r.cfg.device_models, &list)
	    << "the VM's devices are created from the same models";
	limits.device_models = nullptr;
	EXPECT_EQ(Parse(blob.data(), limits).err, AXERR_BAD_CONFIG);
}

TEST(ConfigParse, ACompatibleNoModelAnswersToIsRefusedWhateverTheHostAllows)
{
	const char *const known[] = {"acme,uart", nullptr};
	axvm_config_limits limits = Limits();
	Builder b;

	limits.known_devices = known;
	b.MinimalVm().Begin("devices").U32("#address-cells", 2).U32("#size-cells", 2);
	b.Begin("dev@10000000").Str("compatible", "acme,uart").Reg(0x10000000, 0x1000).End();
	std::vector<char> blob = b.End().End().Finish();
	Result r = Parse(blob.data(), limits);
	EXPECT_EQ(r.err, AXERR_BAD_CONFIG);
	EXPECT_EQ(r.diag, "/devices/dev@10000000: compatible: no device model for \"acme,uart\"");
}

TEST(ConfigParse, LongCompatibleIsCutForMessages)
{
	static const char kLong[] = "vendor,a-device-model-with-a-very-long-name";
	axvm_config_limits limits = Limits();
	Builder b;

	b.MinimalVm().Begin("devices").U32("#address-cells", 2).U32("#size-cells", 2);
	b.Begin("dev@10000000").Strs("compatible", {kLong, "ns16550a"}).Reg(0x10000000, 0x1000);
	b.End();
	std::vector<char> blob = b.End().End().Finish();
	Result r = Parse(blob.data(), limits);
	ASSERT_EQ(r.err, AX_OK) << r.diag;
	EXPECT_EQ(std::string(r.cfg.devices[0].compatible),
		  std::string(kLong).substr(0, AXVM_NAME_LEN - 1));
}

TEST(ConfigParse, MinimalBuiltVm)
{
	std::vector<char> blob = Builder().MinimalVm().End().Finish();
	Result r = Parse(blob.data());

	ASSERT_EQ(r.err, AX_OK) << r.diag;
	EXPECT_EQ(r.cfg.id, 7u);
	EXPECT_EQ(r.cfg.image_count, 0u);
	EXPECT_EQ(r.cfg.device_count, 0u);
}

struct BadCase {
	const char *file;
	const char *diag;
};

const BadCase kBadCases[] = {
    {"bad_root_compatible_wrong", "/: compatible: \"linux,dummy-virt\" is not \"axvm,vm\""},
    {"bad_root_compatible_missing", "/: compatible: missing"},
    {"bad_root_unknown_property", "/: vcpu: unknown property"},
    {"bad_root_unknown_node", "/aliases: unknown node; expected memory, images, devices, "
			      "passthrough, chosen or an interrupt controller"},
    {"bad_on_reset_unknown", "/: on-reset: \"reboot\" is neither \"restart\" nor \"stop\""},
    {"bad_chosen_unknown_property", "/chosen: stdout-path: unknown property"},
    {"bad_chosen_bootargs_empty", "/chosen: bootargs: empty"},
    {"bad_chosen_subnode", "/chosen/extra: unknown node"},
    {"bad_populate_size_not_lazy",
     "/memory/ram@80000000: populate-size: only an alloc-lazy region has one"},
    {"bad_populate_size_odd",
     "/memory/ram@80000000: populate-size: 0x3000 is not a power of two from 0x1000 to 0x200000"},
    {"bad_id_missing", "/: id: missing"},
    {"bad_id_two_cells", "/: id: 8 bytes, need 4 (one cell)"},
    {"bad_name_missing", "/: vm-name: missing"},
    {"bad_name_too_long", "/: vm-name: 36 characters, at most 31"},
    {"bad_name_unterminated", "/: vm-name: not a NUL-terminated string"},
    {"bad_name_empty", "/: vm-name: empty"},
    {"bad_name_two_strings", "/: vm-name: more than one string"},
    {"bad_name_bad_character",
     "/: vm-name: \"linux 0\" has a character other than a letter, a digit, '-', '_' or '.'"},
    {"bad_vcpus_missing", "/: vcpus: missing"},
    {"bad_vcpus_zero", "/: vcpus: 0"},
    {"bad_vcpus_above_limit", "/: vcpus: 9 is above the limit of 8"},
    {"bad_affinity_short", "/: cpu-affinity: 4 bytes, need 8 (one cell per vCPU)"},
    {"bad_cpu_ids_short", "/: cpu-ids: 4 bytes, need 8 (one cell per vCPU)"},
    {"bad_cpu_ids_duplicate", "/: cpu-ids: vCPUs 0 and 1 are both 0x100"},
    {"bad_affinity_partial_cell", "/: cpu-affinity: 7 bytes, need 8 (one cell per vCPU)"},
    {"bad_affinity_host_cpu", "/: cpu-affinity: vCPU 1 on CPU 4, but the host has 4 CPUs"},
    {"bad_boot_tables_outside_memory", "/: boot-tables: 0x90000000 is outside guest memory"},
    {"bad_boot_tables_one_cell", "/: boot-tables: 4 bytes, need 8 (two cells)"},
    {"bad_boot_tables_zero", "/: boot-tables: 0x0 is outside guest memory"},
    {"bad_entry_missing", "/: entry: missing"},
    {"bad_entry_one_cell", "/: entry: 4 bytes, need 8 (two cells)"},
    {"bad_entry_outside_memory", "/: entry: 0x90000000 is outside guest memory"},
    {"bad_entry_not_executable",
     "/: entry: 0x80200000 is in /memory/ram@80000000, which is not executable"},
    {"bad_memory_missing", "/memory: missing node"},
    {"bad_memory_no_region", "/memory: no region"},
    {"bad_memory_cells_missing", "/memory: #size-cells: missing"},
    {"bad_memory_cells_three", "/memory: #address-cells: 3, need 1 or 2"},
    {"bad_memory_unknown_property", "/memory: ranges: unknown property"},
    {"bad_region_size_zero", "/memory/ram@80000000: reg: size 0"},
    {"bad_region_unaligned_base",
     "/memory/ram@80000000: reg: [0x80000800, +0x8000000) is not aligned to 4 KiB"},
    {"bad_region_unaligned_size",
     "/memory/ram@80000000: reg: [0x80000000, +0x8000800) is not aligned to 4 KiB"},
    {"bad_region_wraps", "/memory/ram@80000000: reg: [0xfffffffffffff000, +0x2000) wraps around"},
    {"bad_region_beyond_gpa_bits", "/memory/high@ffffffe000: reg: [0xffffffe000, +0x3000) is "
				   "beyond the 40-bit guest-physical space"},
    {"bad_region_overlap",
     "/memory/ram2@87000000: reg: [0x87000000, +0x2000000) overlaps /memory/ram@80000000"},
    {"bad_region_reg_missing", "/memory/ram@80000000: reg: missing"},
    {"bad_region_reg_short", "/memory/ram@80000000: reg: 12 bytes, need 16 (one address and size)"},
    {"bad_region_two_regs", "/memory/ram@80000000: reg: 32 bytes, need 16 (one address and size)"},
    {"bad_region_unknown_property", "/memory/ram@80000000: acces: unknown property"},
    {"bad_access_missing", "/memory/ram@80000000: access: missing"},
    {"bad_access_bad_letter",
     "/memory/ram@80000000: access: \"rwz\" is not a combination of r, w and x"},
    {"bad_access_repeated",
     "/memory/ram@80000000: access: \"rrx\" is not a combination of r, w and x"},
    {"bad_access_write_only", "/memory/ram@80000000: access: \"wx\" writes without reading"},
    {"bad_access_empty", "/memory/ram@80000000: access: empty"},
    {"bad_device_flag_value",
     "/memory/ram@80000000: device: 4 bytes; a boolean property has no value"},
    {"bad_backing_unknown",
     "/memory/ram@80000000: backing: \"mmap\" is not alloc, alloc-lazy or linear"},
    {"bad_linear_without_host_addr",
     "/memory/ram@80000000: host-addr: missing; a linear region needs one"},
    {"bad_host_addr_not_linear", "/memory/ram@80000000: host-addr: only a linear region has one"},
    {"bad_host_addr_unaligned",
     "/memory/ram@80000000: host-addr: 0x80000010 is not aligned to 4 KiB"},
    {"bad_host_addr_wraps",
     "/memory/ram@80000000: host-addr: [0xfffffffffffff000, +0x8000000) wraps around"},
    {"bad_host_addr_one_cell", "/memory/ram@80000000: host-addr: 4 bytes, need 8 (two cells)"},
    {"bad_linear_host_overlap", "/memory/shm@90000000: host-addr: [0x107fff000, +0x1000) overlaps "
				"the host range of /memory/ram@80000000"},
    {"bad_too_many_regions", "/memory/r8@90008000: too many memory regions, at most 8"},
    {"bad_image_unknown",
     "/images/bios: unknown image; expected kernel, initrd, dtb or boot-params"},
    {"bad_image_dtb_and_boot_params",
     "/images/boot-params: a VM loads a dtb or boot-params, not both"},
    {"bad_image_load_addr_missing", "/images/kernel: load-addr: missing"},
    {"bad_image_outside_memory", "/images/kernel: load-addr: 0x90000000 is outside guest memory"},
    {"bad_image_past_region_end",
     "/images/initrd: size: [0x84000000, +0x5000000) runs past the end of /memory/ram@80000000"},
    {"bad_image_size_zero", "/images/initrd: size: 0; leave it out for the supplied size"},
    {"bad_image_size_one_cell", "/images/initrd: size: 4 bytes, need 8 (two cells)"},
    {"bad_image_unknown_property", "/images/kernel: entry: unknown property"},
    {"bad_images_unknown_property", "/images: count: unknown property"},
    {"bad_dtb_overlaps_kernel",
     "/images/dtb: load-addr: [0x82000000, +0x10000) overlaps /images/kernel"},
    {"bad_initrd_overlaps_kernel",
     "/images/initrd: load-addr: [0x84000000, +0x1000000) overlaps /images/kernel"},
    {"bad_dtb_unaligned", "/images/dtb: load-addr: 0x87e00004 is not 8-byte aligned"},
    {"bad_device_no_compatible", "/devices/uart@10000000: compatible: missing"},
    {"bad_device_unknown_compatible",
     "/devices/uart@10000000: compatible: no device model for \"sifive,uart0\""},
    {"bad_device_compatible_unterminated",
     "/devices/uart@10000000: compatible: not a list of NUL-terminated strings"},
    {"bad_device_compatible_empty_string",
     "/devices/uart@10000000: compatible: an empty string in the list"},
    {"bad_device_reg_missing", "/devices/uart@10000000: reg: missing"},
    {"bad_device_reg_short", "/devices/uart@10000000: reg: 12 bytes, need 1 to 4 entries of 16"},
    {"bad_device_windows_overlap", "/devices/uart@10000000: reg: entries 0 and 1 overlap"},
    {"bad_device_window_on_memory",
     "/devices/uart@10000000: reg: [0x80001000, +0x1000) overlaps /memory/ram@80000000"},
    {"bad_device_size_zero", "/devices/uart@10000000: reg: size 0"},
    {"bad_device_beyond_gpa_bits", "/devices/uart@10000000: reg: [0x10000000000, +0x100) is beyond "
				   "the 40-bit guest-physical space"},
    {"bad_device_overlaps_device",
     "/devices/uart@10000080: reg: [0x10000080, +0x100) overlaps /devices/uart@10000000"},
    {"bad_device_overlaps_memory",
     "/devices/uart@87fff000: reg: [0x87fff000, +0x100) overlaps /memory/ram@80000000"},
    {"bad_device_status_malformed", "/devices/uart@10000000: status: not a NUL-terminated string"},
    {"bad_devices_ranges",
     "/devices: ranges: 24 bytes; must be empty, device addresses are guest-physical"},
    {"bad_devices_cells_missing", "/devices: #address-cells: missing"},
    {"bad_devices_unknown_property", "/devices: #interrupt-cells: unknown property"},
    {"bad_too_many_devices", "/devices/uart@10010000: too many devices, at most 16"},
    {"bad_isa_address_cells", "/devices/isa: #address-cells: 1; the ISA binding has 2"},
    {"bad_isa_ports_overlap",
     "/devices/isa/serial@i3fc: reg: ports [0x3fc, +0x8) overlap /devices/isa/serial@i3f8"},
    {"bad_isa_ports_past_end",
     "/devices/isa/serial@ifffc: reg: entry 0: ports 0xfffc+0x8 run past 0xffff"},
    {"bad_isa_memory_child_on_memory",
     "/devices/isa/serial@1000: reg: [0x80001000, +0x100) overlaps /memory/ram@80000000"},
    {"bad_isa_ranges_short", "/devices/isa: ranges: 16 bytes, not whole entries of 20"},
    {"bad_isa_unknown_property", "/devices/isa: clock-frequency: unknown property"},
    {"bad_passthrough_overlaps_memory",
     "/passthrough/flash@20000000: reg: [0x87000000, +0x2000000) overlaps /memory/ram@80000000"},
    {"bad_passthrough_overlaps_device",
     "/passthrough/flash@20000000: reg: [0x10000000, +0x1000) overlaps /devices/uart@10000000"},
    {"bad_passthrough_overlaps_passthrough",
     "/passthrough/rom@21000000: reg: [0x21000000, +0x1000) overlaps /passthrough/flash@20000000"},
    {"bad_passthrough_host_overlap", "/passthrough/rom@30000000: host-addr: [0x20001000, +0x1000) "
				     "overlaps the host range of /passthrough/flash@20000000"},
    {"bad_passthrough_host_overlaps_linear",
     "/passthrough/flash@20000000: host-addr: [0x20000000, +0x2000000) overlaps the host range of "
     "/memory/ram@80000000"},
    {"bad_passthrough_host_addr_missing", "/passthrough/flash@20000000: host-addr: missing"},
    {"bad_passthrough_unaligned",
     "/passthrough/flash@20000000: reg: [0x20000800, +0x2000000) is not aligned to 4 KiB"},
    {"bad_passthrough_host_unaligned",
     "/passthrough/flash@20000000: host-addr: 0x20000100 is not aligned to 4 KiB"},
    {"bad_passthrough_unknown_property",
     "/passthrough/flash@20000000: interrupts: unknown property"},
    {"bad_too_many_passthrough",
     "/passthrough/pt@30007000: too many pass-through ranges, at most 8"},
};

class BadConfig : public testing::TestWithParam<BadCase>
{
};

TEST_P(BadConfig, NamesNodeAndProperty)
{
	std::vector<char> blob = ReadBlob(GetParam().file);
	ASSERT_FALSE(blob.empty());
	Result r = Parse(blob.data());

	EXPECT_EQ(r.err, AXERR_BAD_CONFIG);
	EXPECT_EQ(r.diag, GetParam().diag);
	EXPECT_TRUE(IsZero(r.cfg)) << "a rejected config leaves nothing behind";
}

INSTANTIATE_TEST_SUITE_P(Configs, BadConfig, testing::ValuesIn(kBadCases),
			 [](const testing::TestParamInfo<BadCase> &info) {
				 return std::string(info.param.file);
			 });

TEST(ConfigBlob, DuplicateProperty)
{
	Builder b;

	b.Begin("").Str("compatible", "axvm,vm").U32("vcpus", 1).U32("vcpus", 2);
	std::vector<char> blob = b.End().Finish();
	Result r = Parse(blob.data());
	EXPECT_EQ(r.err, AXERR_INVALID);
	EXPECT_EQ(r.diag, "/: vcpus: duplicate property");
	EXPECT_TRUE(IsZero(r.cfg));
}

TEST(ConfigBlob, PropertyAfterSubnode)
{
	std::vector<char> blob = Builder().MinimalVm().U32("late", 1).End().Finish();
	Result r = Parse(blob.data());

	EXPECT_EQ(r.err, AXERR_INVALID);
	EXPECT_EQ(r.diag, "/: late: property after a subnode");
}

TEST(ConfigBlob, SlashInNodeName)
{
	std::vector<char> blob = Builder().MinimalVm().Begin("a/b").End().End().Finish();
	Result r = Parse(blob.data());

	EXPECT_EQ(r.err, AXERR_INVALID);
	EXPECT_EQ(r.diag.rfind("devicetree: structure: a node name that is empty or holds '/' at "
			       "offset ",
			       0),
		  0u)
	    << r.diag;
}

TEST(ConfigBlob, EmptyNodeName)
{
	std::vector<char> blob = Builder().MinimalVm().Begin("").End().End().Finish();
	Result r = Parse(blob.data());

	EXPECT_EQ(r.err, AXERR_INVALID);
	EXPECT_NE(r.diag.find("a node name that is empty"), std::string::npos) << r.diag;
}

TEST(ConfigBlob, DuplicateTopLevelNode)
{
	Builder b;

	b.MinimalVm().Begin("memory").U32("#address-cells", 2).U32("#size-cells", 2).End();
	std::vector<char> blob = b.End().Finish();
	Result r = Parse(blob.data());
	EXPECT_EQ(r.err, AXERR_BAD_CONFIG);
	EXPECT_EQ(r.diag, "/memory: duplicate node");
}

TEST(ConfigBlob, DuplicateImage)
{
	Builder b;

	b.MinimalVm().Begin("images");
	b.Begin("kernel").U64("load-addr", 0x80000000).End();
	b.Begin("kernel").U64("load-addr", 0x80080000).End();
	std::vector<char> blob = b.End().End().Finish();
	Result r = Parse(blob.data());
	EXPECT_EQ(r.err, AXERR_BAD_CONFIG);
	EXPECT_EQ(r.diag, "/images/kernel: duplicate image");
}

TEST(ConfigBlob, NotADevicetree)
{
	std::mt19937 rng(1);

	for (size_t size : {64u, 256u, 4096u}) {
		std::vector<char> blob(size);

		for (char &c : blob)
			c = static_cast<char>(rng());
		Result r = Parse(blob.data());
		EXPECT_EQ(r.err, AXERR_INVALID);
		EXPECT_EQ(r.diag, "devicetree: header: FDT_ERR_BADMAGIC");
		EXPECT_TRUE(IsZero(r.cfg));
	}
}

TEST(ConfigBlob, UnalignedBlob)
{
	std::vector<char> blob = ReadBlob("riscv64");
	std::vector<char> shifted(blob.size() + 8);

	std::memcpy(shifted.data() + 4, blob.data(), blob.size());
	Result r = Parse(shifted.data() + 4);
	EXPECT_EQ(r.err, AXERR_INVALID);
	EXPECT_EQ(r.diag, "devicetree: header: FDT_ERR_ALIGNMENT");
}

TEST(ConfigBlob, OldVersion)
{
	std::vector<char> blob = ReadBlob("riscv64");

	fdt_set_version(blob.data(), 16);
	Result r = Parse(blob.data());
	EXPECT_EQ(r.err, AXERR_INVALID);
	EXPECT_EQ(r.diag, "devicetree: header: version 16, need 17");
}

TEST(ConfigBlob, UnalignedStructureBlock)
{
	std::vector<char> blob = ReadBlob("riscv64");
	uint32_t off = fdt_off_dt_struct(blob.data()) + 2;

	fdt_set_off_dt_struct(blob.data(), off);
	Result r = Parse(blob.data());
	EXPECT_EQ(r.err, AXERR_INVALID);
	EXPECT_EQ(r.diag,
		  "devicetree: header: structure block at unaligned offset " + std::to_string(off));
}

TEST(ConfigBlob, UnknownTag)
{
	std::vector<char> blob = ReadBlob("riscv64");
	fdt32_t bad = cpu_to_fdt32(0x77);

	std::memcpy(blob.data() + fdt_off_dt_struct(blob.data()), &bad, sizeof(bad));
	Result r = Parse(blob.data());
	EXPECT_EQ(r.err, AXERR_INVALID);
	EXPECT_EQ(r.diag, "devicetree: structure: FDT_ERR_BADSTRUCTURE at offset 0");
}

TEST(ConfigBlob, HugePropertyLength)
{
	std::vector<char> blob = ReadBlob("riscv64");
	/* The root's BEGIN_NODE tag and empty name take 8 bytes; its first property follows. */
	char *first_prop = blob.data() + fdt_off_dt_struct(blob.data()) + 8;
	fdt32_t huge = cpu_to_fdt32(0x7ffffff0);
	int next;

	ASSERT_EQ(fdt_next_tag(blob.data(), 8, &next), uint32_t{FDT_PROP});
	std::memcpy(first_prop + 4, &huge, sizeof(huge));
	Result r = Parse(blob.data());
	EXPECT_EQ(r.err, AXERR_INVALID);
	EXPECT_EQ(r.diag,
		  "devicetree: structure: a property past the end of the block at offset 8");
}

/* Every prefix of a valid blob, its header saying so, is refused. */
TEST(ConfigBlob, TruncatedBlobs)
{
	for (const char *name : {"riscv64", "aarch64", "x86_64"}) {
		std::vector<char> blob = ReadBlob(name);

		for (size_t len = 0; len < blob.size(); len++) {
			std::vector<char> cut(blob.size(), 0);

			std::memcpy(cut.data(), blob.data(), len);
			if (len >= 8)
				fdt_set_totalsize(cut.data(), static_cast<uint32_t>(len));
			Result r = Parse(cut.data());
			ASSERT_EQ(r.err, AXERR_INVALID)
			    << name << " cut at " << len << ": " << r.diag;
			ASSERT_TRUE(IsZero(r.cfg));
		}
	}
}

/* A blob whose tail was lost (zeroed) while its header still claims the whole size. */
TEST(ConfigBlob, ZeroedTails)
{
	for (const char *name : {"riscv64", "aarch64", "x86_64"}) {
		std::vector<char> blob = ReadBlob(name);
		Result whole = Parse(blob.data());

		for (size_t len = 0; len < blob.size(); len++) {
			std::vector<char> cut(blob);

			std::memset(cut.data() + len, 0, blob.size() - len);
			Result r = Parse(cut.data());
			if (r.err == AX_OK)
				EXPECT_EQ(r.cfg.memory_count, whole.cfg.memory_count);
			else
				ASSERT_TRUE(IsZero(r.cfg)) << name << " zeroed from " << len;
		}
	}
}

/* Random byte changes to valid blobs: an error or a config within the limits, never a crash.
 * The header's totalsize is kept within the buffer, as the caller must guarantee. */
TEST(ConfigBlob, MutatedBlobs)
{
	std::mt19937 rng(2024);
	int rejected = 0;

	for (int i = 0; i < 6000; i++) {
		static const char *const names[] = {"riscv64", "aarch64", "x86_64"};
		std::vector<char> blob = ReadBlob(names[i % 3]);
		int changes = 1 + static_cast<int>(rng() % 8);

		for (int k = 0; k < changes; k++)
			blob[rng() % blob.size()] = static_cast<char>(rng());
		if (fdt_totalsize(blob.data()) > blob.size())
			fdt_set_totalsize(blob.data(), static_cast<uint32_t>(blob.size()));
		Result r = Parse(blob.data());
		if (r.err != AX_OK) {
			rejected++;
			ASSERT_TRUE(r.err == AXERR_INVALID || r.err == AXERR_BAD_CONFIG) << r.err;
			ASSERT_FALSE(r.diag.empty());
			ASSERT_TRUE(IsZero(r.cfg));
			continue;
		}
		ASSERT_GE(r.cfg.vcpu_count, 1u);
		ASSERT_LE(r.cfg.vcpu_count, 8u);
		ASSERT_GE(r.cfg.memory_count, 1u);
		ASSERT_LE(r.cfg.memory_count, size_t{AXVM_MAX_MEMORY_REGIONS});
		ASSERT_LE(r.cfg.device_count, size_t{AXVM_MAX_DEVICES});
		ASSERT_LT(std::strlen(r.cfg.name), size_t{AXVM_NAME_LEN});
	}
	EXPECT_GT(rejected, 1000);
}

TEST(ConfigArgs, NullArguments)
{
	std::vector<char> blob = ReadBlob("riscv64");
	axvm_config_limits limits = Limits();
	axvm_config cfg;
	ax_diag diag = {};

	EXPECT_EQ(axvm_config_parse(nullptr, &limits, &cfg, &diag), AXERR_INVALID);
	EXPECT_STREQ(diag.msg, "axvm_config_parse: a NULL argument");
	EXPECT_EQ(axvm_config_parse(blob.data(), nullptr, &cfg, &diag), AXERR_INVALID);
	EXPECT_EQ(axvm_config_parse(blob.data(), &limits, nullptr, &diag), AXERR_INVALID);
	EXPECT_EQ(axvm_config_parse(blob.data(), &limits, &cfg, nullptr), AX_OK);
}

TEST(ConfigArgs, NullDiagOnError)
{
	std::vector<char> blob = ReadBlob("bad_vcpus_zero");
	axvm_config_limits limits = Limits();
	axvm_config cfg;

	EXPECT_EQ(axvm_config_parse(blob.data(), &limits, &cfg, nullptr), AXERR_BAD_CONFIG);
}

TEST(ConfigArgs, BadLimits)
{
	std::vector<char> blob = ReadBlob("riscv64");
	axvm_config_limits limits = Limits();

	limits.gpa_bits = 11;
	Result r = Parse(blob.data(), limits);
	EXPECT_EQ(r.err, AXERR_INVALID);
	EXPECT_EQ(r.diag, "limits: gpa_bits 11 is not within 12..64");
	limits.gpa_bits = 65;
	EXPECT_EQ(Parse(blob.data(), limits).err, AXERR_INVALID);
}

} // namespace
