/* The GICv3 as a VM device: created from a devicetree node with its two windows, registered at
 * both and at the trapped ICC_SGI1R_EL1, it answers the guest's registers, takes a PL011's line
 * as an SPI, delivers through list registers and kicks the vCPU that has news. */
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

extern "C" {
#include <arm_vgic/vgic.h>
#include <arm_vgic/vgic_device.h>
#include <axdevice/device_set.h>
#include <axdevice/fdt_device.h>
#include <axdevice/irqchip.h>
#include <axdevice/uart.h>
#include <axvm/diag.h>
#include <axvm/error.h>
#include <libfdt.h>
}

#include "core/base/tests/malloc_allocator.h"

namespace
{

constexpr uint64_t kGicd = 0x8000000, kGicr = 0x80a0000, kUart = 0x9000000;
constexpr uint32_t kSgi1r = 0xc65d; /* ICC_SGI1R_EL1: op0 3, op1 0, CRn 12, CRm 11, op2 5 */

/* A VM's devices: a GICv3 for two vCPUs and a PL011 on SPI 1. */
std::vector<char> Blob(uint64_t redist_size = 0x40000)
{
	std::vector<char> b(4096);
	char *p = b.data();
	const fdt32_t two = cpu_to_fdt32(2), three = cpu_to_fdt32(3), one = cpu_to_fdt32(1);
	const fdt64_t gic_reg[] = {cpu_to_fdt64(kGicd), cpu_to_fdt64(0x10000), cpu_to_fdt64(kGicr),
				   cpu_to_fdt64(redist_size)};
	const fdt64_t uart_reg[] = {cpu_to_fdt64(kUart), cpu_to_fdt64(0x1000)};
	const fdt32_t spi1[] = {0, cpu_to_fdt32(1), cpu_to_fdt32(4)};

	EXPECT_EQ(fdt_create(p, (int)b.size()), 0);
	EXPECT_EQ(fdt_finish_reservemap(p), 0);
	EXPECT_EQ(fdt_begin_node(p, ""), 0);
	EXPECT_EQ(fdt_property(p, "#address-cells", &two, 4), 0);
	EXPECT_EQ(fdt_property(p, "#size-cells", &two, 4), 0);
	EXPECT_EQ(fdt_begin_node(p, "interrupt-controller@8000000"), 0);
	EXPECT_EQ(fdt_property_string(p, "compatible", "arm,gic-v3"), 0);
	EXPECT_EQ(fdt_property(p, "reg", gic_reg, sizeof(gic_reg)), 0);
	EXPECT_EQ(fdt_property(p, "interrupt-controller", "", 0), 0);
	EXPECT_EQ(fdt_property(p, "#interrupt-cells", &three, 4), 0);
	EXPECT_EQ(fdt_property(p, "phandle", &one, 4), 0);
	EXPECT_EQ(fdt_end_node(p), 0);
	EXPECT_EQ(fdt_begin_node(p, "uart@9000000"), 0);
	EXPECT_EQ(fdt_property_string(p, "compatible", "arm,pl011"), 0);
	EXPECT_EQ(fdt_property(p, "reg", uart_reg, sizeof(uart_reg)), 0);
	EXPECT_EQ(fdt_property(p, "interrupts", spi1, sizeof(spi1)), 0);
	EXPECT_EQ(fdt_property(p, "interrupt-parent", &one, 4), 0);
	EXPECT_EQ(fdt_end_node(p), 0);
	EXPECT_EQ(fdt_end_node(p), 0);
	EXPECT_EQ(fdt_finish(p), 0);
	return b;
}

class VgicDeviceTest : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_EQ(axdevice_set_init(&set, &mem.ops), AX_OK);
	}
	void TearDown() override
	{
		axdevice_set_destroy(&set);
		EXPECT_EQ(mem.live, 0) << "leaked allocations";
	}
	/* Adds the node at path of blob with the vGIC offered. */
	int Add(const std::vector<char> &blob, const char *path, axdevice **dev)
	{
		return axdevice_set_add_from_fdt_hosts(
		    &set, blob.data(), fdt_path_offset(blob.data(), path), &hosts, dev, &diag);
	}
	uint64_t Read(uint32_t vcpu, uint64_t addr, unsigned width)
	{
		uint64_t v = ~0ull;
		EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, vcpu, addr, width, &v), AX_OK);
		return v;
	}
	void Write(uint32_t vcpu, uint64_t addr, uint64_t value)
	{
		EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, vcpu, addr, 4, value), AX_OK);
	}
	static void Kick(void *ctx, uint64_t cpu)
	{
		static_cast<VgicDeviceTest *>(ctx)->kicked.push_back(cpu);
	}

	MallocAllocator mem;
	axdevice_set set;
	ax_diag diag{};
	std::vector<uint64_t> kicked;
	const axdevice_model *models[1] = {&arm_vgic_model};
	axdevice_model_list list = {models, 1};
	axdevice_cpu_host cpu = {nullptr, Kick, this, nullptr, 0};
	axdevice_fdt_hosts hosts = {nullptr, nullptr, &cpu, &list, nullptr};
};

TEST_F(VgicDeviceTest, AnswersAtBothWindowsAndTheTrappedSgiRegister)
{
	std::vector<char> blob = Blob();
	axdevice *gic = nullptr;

	ASSERT_EQ(Add(blob, "/interrupt-controller@8000000", &gic), AX_OK) << diag.msg;
	ASSERT_NE(gic->irqchip, nullptr);
	ASSERT_NE(gic->irqchip->cpu_flush, nullptr) << "a list-register controller";
	EXPECT_EQ(Read(0, kGicd + 0x8, 4), 0x4100043bu) << "GICD_IIDR";
	EXPECT_EQ(Read(1, kGicr + 0x20000 + 0x8, 8) >> 32, 1u) << "vCPU 1's GICR_TYPER affinity";
	EXPECT_TRUE(Read(1, kGicr + 0x20000 + 0x8, 8) & (1u << 4)) << "the last redistributor";

	/* vCPU 1 enables SGI 2 in its SGI frame; vCPU 0 sends it through ICC_SGI1R_EL1. */
	Write(1, kGicr + 0x20000 + 0x10000 + 0x100, 1u << 2);
	Write(0, kGicd, (1u << 1) | (1u << 4));
	kicked.clear();
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_SYSREG, 0, axdevice_sysreg_addr(kSgi1r), 8,
				     (2ull << 24) | (1u << 1)),
		  AX_OK);
	EXPECT_EQ(kicked, std::vector<uint64_t>{1}) << "the target is told";
	uint64_t lrs[4] = {};
	bool underflow = true;
	ASSERT_EQ(gic->irqchip->cpu_flush(gic, 1, lrs, 4, &underflow), 1u);
	EXPECT_EQ(vgic_lr_intid(lrs[0]), 2u);
	EXPECT_EQ(vgic_lr_state(lrs[0]), VGIC_LR_STATE_PENDING);
	EXPECT_FALSE(underflow);
	EXPECT_EQ(gic->irqchip->cpu_flush(gic, 0, lrs, 4, &underflow), 0u) << "not vCPU 0's";
}

TEST_F(VgicDeviceTest, ThePl011sLineIsAnSpi)
{
	std::vector<char> blob = Blob();
	axdevice *gic = nullptr, *uart = nullptr;

	ASSERT_EQ(Add(blob, "/interrupt-controller@8000000", &gic), AX_OK) << diag.msg;
	ASSERT_EQ(Add(blob, "/uart@9000000", &uart), AX_OK) << diag.msg;
	Write(0, kGicd, (1u << 1) | (1u << 4));
	Write(0, kGicd + 0x100 + 4, 1u << 1); /* GICD_ISENABLER1: SPI 1 = INTID 33 */
	Write(0, kUart + 0x30, 0x301);	      /* UARTCR: UARTEN, TXE, RXE */
	Write(0, kUart + 0x38, 1u << 4);      /* UARTIMSC: the receive interrupt */
	kicked.clear();
	const uint8_t byte = 'x';
	{
		spin_lock(&uart->lock);
		EXPECT_EQ(axdevice_uart_receive(uart, &byte, 1), 1u);
		spin_unlock(&uart->lock);
	}
	EXPECT_EQ(kicked, std::vector<uint64_t>{0}) << "IROUTER 0: vCPU 0";
	EXPECT_TRUE(gic->irqchip->cpu_pending(gic, 0));
	uint64_t lrs[4] = {};
	bool underflow = false;
	ASSERT_EQ(gic->irqchip->cpu_flush(gic, 0, lrs, 4, &underflow), 1u);
	EXPECT_EQ(vgic_lr_intid(lrs[0]), 33u);
}

TEST_F(VgicDeviceTest, ABadNodeIsRefusedWithItsReason)
{
	std::vector<char> blob = Blob(0x30000);
	axdevice *gic = nullptr;

	EXPECT_EQ(Add(blob, "/interrupt-controller@8000000", &gic), AXERR_BAD_CONFIG);
	EXPECT_NE(std::string(diag.msg).find("128 KiB per vCPU"), std::string::npos) << diag.msg;
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), 0u);
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_SYSREG), 0u);
}

} // namespace
