// Writes a parsed ELF image into the MCU's memory the way a flash programmer does: each PT_LOAD
// segment's file bytes at its load address p_paddr (crt0 copies .data to its run address; facts
// §5.4), and the part of p_memsz beyond p_filesz zero-filled when it lies in FRAM.
#pragma once

#include <string>

#include "mcu_model/elf/elf_image.h"
#include "mcu_model/mem/bus.h"

namespace ehsim::mcu {

bool load_elf_into(const ElfImage& image, Bus& bus, std::string* error);

}  // namespace ehsim::mcu
