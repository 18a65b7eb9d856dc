/* Device models from outside axdevice: a host's list is looked at before axdevice's own, an
 * interrupt controller it brings is created from its node, and a UART whose interrupt parent
 * it is drives its input line. */
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include <axdevice/device_set.h>
#include <axdevice/fdt_device.h>
#include <axdevice/fdt_model.h>
#include <axvm/alloc.h>
#include <axvm/diag.h>
#include <axvm/error.h>
#include <libfdt.h>
}

#include "core/base/tests/malloc_allocator.h"

namespace
{

/* A devicetree: an interrupt controller of a made-up model and a 16550 wired to it. */
std::vector<char> Blob()
{
	std::vector<char> b(4096);
	char *p = b.data();
	const fdt32_t cells2 = cpu_to_fdt32(2), cells1 = cpu_to_fdt32(1), one = cpu_to_fdt32(1);
	const fdt32_t intc_reg[] = {0, cpu_to_fdt32(0x1000), 0, cpu_to_fdt32(0x1000)};
	const fdt32_t uart_reg[] = {0, cpu_to_fdt32(0x2000), 0, cpu_to_fdt32(0x100)};
	const fdt32_t line = cpu_to_fdt32(5);

	EXPECT_EQ(fdt_create(p, (int)b.size()), 0);
	EXPECT_EQ(fdt_finish_reservemap(p), 0);
	EXPECT_EQ(fdt_begin_node(p, ""), 0);
	EXPECT_EQ(fdt_property(p, "#address-cells", &cells2, 4), 0);
	EXPECT_EQ(fdt_property(p, "#size-cells", &cells2, 4), 0);
	EXPECT_EQ(fdt_begin_node(p, "intc@1000"), 0);
	EXPECT_EQ(fdt_property_string(p, "compatible", "acme,intc"), 0);
	EXPECT_EQ(fdt_property(p, "reg", intc_reg, sizeof(intc_reg)), 0);
	EXPECT_EQ(fdt_property(p, "interrupt-controller", "", 0), 0); /* empty, not NULL */
	EXPECT_EQ(fdt_property(p, "#interrupt-cells", &cells1, 4), 0);
	EXPECT_EQ(fdt_property(p, "phandle", &one, 4), 0);
	EXPECT_EQ(fdt_end_node(p), 0);
	EXPECT_EQ(fdt_begin_node(p, "uart@2000"), 0);
	EXPECT_EQ(fdt_property_string(p, "compatible", "ns16550a"), 0);
	EXPECT_EQ(fdt_property(p, "reg", uart_reg, sizeof(uart_reg)), 0);
	EXPECT_EQ(fdt_property(p, "interrupts", &line, 4), 0);
	EXPECT_EQ(fdt_property(p, "interrupt-parent", &one, 4), 0);
	EXPECT_EQ(fdt_end_node(p), 0);
	EXPECT_EQ(fdt_end_node(p), 0);
	EXPECT_EQ(fdt_finish(p), 0);
	return b;
}

/* The made-up controller: records the lines its inputs are driven to. */
struct Intc {
	axdevice dev;
	std::vector<std::pair<uint32_t, bool>> lines;
	uint64_t size;
};

int NoRead(axdevice *, uint32_t, uint64_t, unsigned, uint64_t *value)
{
	*value = 0;
	return AX_OK;
}

int NoWrite(axdevice *, uint32_t, uint64_t, unsigned, uint64_t)
{
	return AX_OK;
}

void DestroyIntc(axdevice *dev, const ax_allocator *)
{
	delete AXDEVICE_CONTAINER_OF(dev, Intc, dev);
}

int SetLine(axdevice *chip, uint32_t line, bool level)
{
	AXDEVICE_CONTAINER_OF(chip, Intc, dev)->lines.emplace_back(line, level);
	return AX_OK;
}

const axdevice_ops kIntcOps = {"acme-intc", NoRead, NoWrite, DestroyIntc};
const axdevice_irqchip_ops kIntcChip = {SetLine, nullptr, nullptr, nullptr, nullptr};

int CreateIntc(const axdevice_model_ctx *ctx, axdevice **out)
{
	Intc *c = new Intc;
	axdevice_init(&c->dev, &kIntcOps, &kIntcChip);
	c->size = ctx->size;
	*out = &c->dev;
	return AX_OK;
}

const char *const kIntcCompatibles[] = {"acme,intc", nullptr};
const axdevice_model kIntcModel = {kIntcCompatibles, AXDEVICE_ROLE_IRQCHIP, CreateIntc, nullptr};
const axdevice_model *const kModels[] = {&kIntcModel};
const axdevice_model_list kList = {kModels, 1};

class FdtModelTest : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_EQ(axdevice_set_init(&set, &heap.ops), AX_OK);
	}
	void TearDown() override
	{
		axdevice_set_destroy(&set);
	}
	int Add(const char *path, const axdevice_model_list *models, axdevice **out)
	{
		axdevice_fdt_hosts hosts = {nullptr, nullptr, nullptr, models, nullptr};
		diag.msg[0] = '\0';
		return axdevice_set_add_from_fdt_hosts(
		    &set, blob.data(), fdt_path_offset(blob.data(), path), &hosts, out, &diag);
	}

	std::vector<char> blob = Blob();
	MallocAllocator heap;
	axdevice_set set{};
	ax_diag diag{};
};

TEST_F(FdtModelTest, AHostsModelIsFoundAndCreatedFromItsNode)
{
	EXPECT_EQ(axdevice_model_find(&kList, "acme,intc"), &kIntcModel);
	EXPECT_EQ(axdevice_model_find(nullptr, "acme,intc"), nullptr);
	EXPECT_EQ(
	    axdevice_fdt_model(&kList, blob.data(), fdt_path_offset(blob.data(), "/intc@1000")),
	    &kIntcModel);
	ASSERT_NE(axdevice_model_find(&kList, "ns16550a"), nullptr) << "axdevice's own still";
	EXPECT_EQ(axdevice_model_find(&kList, "ns16550a")->role, AXDEVICE_ROLE_CONSOLE);

	axdevice *intc = nullptr;
	ASSERT_EQ(Add("/intc@1000", &kList, &intc), AX_OK) << diag.msg;
	EXPECT_STREQ(intc->ops->model, "acme-intc");
	EXPECT_EQ(AXDEVICE_CONTAINER_OF(intc, Intc, dev)->size, 0x1000u);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, 0x1800, nullptr), intc);
}

TEST_F(FdtModelTest, AUartItsInterruptParentIsDrivesItsLine)
{
	axdevice *intc = nullptr, *uart = nullptr;
	ASSERT_EQ(Add("/intc@1000", &kList, &intc), AX_OK) << diag.msg;
	ASSERT_EQ(Add("/uart@2000", &kList, &uart), AX_OK) << diag.msg;
	/* IER.THRI with THR empty raises the interrupt at once. */
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, 0x2001, 1, 0x02), AX_OK);
	const auto &lines = AXDEVICE_CONTAINER_OF(intc, Intc, dev)->lines;
	ASSERT_EQ(lines.size(), 1u);
	EXPECT_EQ(lines[0], std::make_pair(5u, true));
}

TEST_F(FdtModelTest, WithoutTheListTheModelIsUnknown)
{
	EXPECT_EQ(Add("/intc@1000", nullptr, nullptr), AXERR_UNSUPPORTED);
	EXPECT_EQ(std::string(diag.msg),
		  "/intc@1000: compatible: no device model for \"acme,intc\"");
}

} // namespace
