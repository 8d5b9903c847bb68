# The ehsim firmware SDK: build MSP430FR5994 firmware for ehsim in a CMake project of your own.
#
#   cmake_minimum_required(VERSION 3.25)
#   project(my_firmware LANGUAGES NONE)        # no host compiler needed
#   find_package(ehsim REQUIRED)                # configure with -Dehsim_DIR=<ehsim checkout>/cmake
#                                               # (find_package(ehsim 0.1) checks the version)
#   ehsim_add_firmware(my_app SOURCES main.c)   # -> <build>/firmware/my_app.elf
#
# ehsim_add_firmware(NAME SOURCES file.c|file.S ... [CFLAGS flag...])
#   Compiles the sources with clang --target=msp430 (C11, -Os, freestanding; flags in
#   cmake/msp430.cmake), links them with ld.lld, ehsim's runtime (crt0, the __mspabi_* helpers
#   clang calls, memcpy/memset) and linker script (freeml/firmware/runtime/msp430fr5994.ld:
#   .text/.rodata in FRAM, .data/.bss in SRAM, .persistent in FRAM, kept across power loss and
#   never re-initialised by crt0) into ${CMAKE_BINARY_DIR}/firmware/NAME.elf (and NAME.map), as a
#   target NAME_elf built by default. Headers: <ehsim/host_io.h> (log, markers, exit, input
#   samples) and <msp430fr5994_regs.h>, from freeml/firmware/include. CFLAGS are added after the
#   defaults (e.g. -mhwmult=none, -DNAME=1, -I<dir>).
#
# Needs Debian's clang and lld (scripts/install-deps installs them). README "Your own firmware"
# and examples/checkpoint-counter/ show the whole flow.
include("${CMAKE_CURRENT_LIST_DIR}/msp430.cmake")
set(MSP430_FIRMWARE_DIR "${CMAKE_BINARY_DIR}/firmware")
if(NOT TARGET msp430_runtime)
  msp430_add_runtime()
endif()

function(ehsim_add_firmware name)
  cmake_parse_arguments(FW "" "" "SOURCES;CFLAGS" ${ARGN})
  if(FW_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ehsim_add_firmware(${name}): unexpected arguments ${FW_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT FW_SOURCES)
    message(FATAL_ERROR "ehsim_add_firmware(${name}): no SOURCES")
  endif()
  if(FW_CFLAGS)
    add_msp430_firmware(${name} SOURCES ${FW_SOURCES} CFLAGS ${FW_CFLAGS})
  else()
    add_msp430_firmware(${name} SOURCES ${FW_SOURCES})
  endif()
endfunction()
