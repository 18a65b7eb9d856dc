// A bzImage built in memory with the header fields a 6.1 x86_64 kernel carries (protocol
// 2.15), and little-endian helpers, for the tests of the boot protocol's users.
#ifndef X86_64_PC_TESTS_BZIMAGE_H
#define X86_64_PC_TESTS_BZIMAGE_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bzimage
{

inline void Put(std::vector<uint8_t> &b, size_t off, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		b[off + i] = uint8_t(v >> (8 * i));
}

inline uint64_t Get(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= uint64_t(p[i]) << (8 * i);
	return v;
}

// A bzImage of setup_sects + 1 sectors of setup and kernel_bytes of protected-mode kernel.
inline std::vector<uint8_t> BzImage(uint8_t setup_sects = 27, size_t kernel_bytes = 8192,
				    uint16_t version = 0x020f)
{
	size_t sects = setup_sects ? setup_sects : 4;
	std::vector<uint8_t> b((sects + 1) * 512 + kernel_bytes, 0xcc);

	b[0x1f1] = setup_sects;
	Put(b, 0x1fe, 2, 0xaa55);
	b[0x200] = 0xeb;	      // jmp short
	b[0x201] = 0x6a;	      // header ends at 0x26c
	Put(b, 0x202, 4, 0x53726448); // "HdrS"
	Put(b, 0x206, 2, version);
	b[0x210] = 0;		      // type_of_loader
	b[0x211] = 0x01;	      // LOADED_HIGH
	Put(b, 0x214, 4, 0x100000);   // code32_start
	Put(b, 0x218, 8, 0);	      // ramdisk
	Put(b, 0x228, 4, 0);	      // cmd_line_ptr
	Put(b, 0x22c, 4, 0x7fffffff); // initrd_addr_max
	Put(b, 0x230, 4, 0x200000);   // kernel_alignment
	b[0x234] = 1;		      // relocatable
	Put(b, 0x236, 2, 0x7f);	      // xloadflags: 64-bit entry, above 4G, EFI...
	Put(b, 0x238, 4, 2047);	      // cmdline_size
	Put(b, 0x258, 8, 0x1000000);  // pref_address
	Put(b, 0x260, 4, 0x2000000);  // init_size
	Put(b, 0x264, 4, 0x190);      // handover_offset
	Put(b, 0x268, 4, 0x3c);	      // kernel_info_offset
	return b;
}

} // namespace bzimage

#endif
