"""The dynamic symbols of an ELF shared library, read with the standard library only.

A compiled TVM library carries its executable as a blob behind one exported symbol, and which
symbol a runtime looks for changed between eras (v0.19 `__tvm_dev_mblob`, v0.21
`__tvm_ffi_library_bin`, v0.22+ `__tvm_ffi__library_bin`). Reading .dynsym tells which blob a
library carries without loading it (loading is what can crash).

Also used in the cross-load child process, so it imports nothing outside the standard library.
"""
import os
import struct

# Every blob symbol name any TVM release has used, oldest first.
BLOB_SYMBOLS = ["__tvm_dev_mblob", "__tvm_ffi_library_bin", "__tvm_ffi__library_bin"]

SHT_DYNSYM = 11


def dynamic_symbols(path):
    """Names of the defined dynamic symbols of an ELF file (32/64-bit, either byte order)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        raise ValueError("%s is not an ELF file" % os.path.basename(path))
    is64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if is64:
        shoff, = struct.unpack_from(end + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
    else:
        shoff, = struct.unpack_from(end + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x2E)
    sections = []
    for i in range(shnum):
        base = shoff + i * shentsize
        if is64:
            _name, stype, _flags, _addr, off, size, link, _info, _align, entsize = struct.unpack_from(end + "IIQQQQIIQQ", data, base)
        else:
            _name, stype, _flags, _addr, off, size, link, _info, _align, entsize = struct.unpack_from(end + "IIIIIIIIII", data, base)
        sections.append((stype, off, size, link, entsize))
    names = set()
    for stype, off, size, link, entsize in sections:
        if stype != SHT_DYNSYM or not entsize:
            continue
        _t, str_off, str_size, _l, _e = sections[link]
        for j in range(size // entsize):
            base = off + j * entsize
            if is64:
                st_name, _info, _other, st_shndx = struct.unpack_from(end + "IBBH", data, base)
            else:
                st_name, = struct.unpack_from(end + "I", data, base)
                st_shndx, = struct.unpack_from(end + "H", data, base + 14)
            if st_name == 0 or st_shndx == 0:  # unnamed, or undefined (imported from elsewhere)
                continue
            stop = data.index(b"\0", str_off + st_name, str_off + str_size)
            names.add(data[str_off + st_name:stop].decode("utf-8", "replace"))
    return sorted(names)


def blob_symbols(path):
    """The TVM blob symbols a library exports (none, one, or in theory several)."""
    return {"blobSymbols": [s for s in dynamic_symbols(path) if s in BLOB_SYMBOLS]}

