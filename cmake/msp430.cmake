# MSP430 firmware built by the normal build with Debian's clang and ld.lld.
#
# The host project cannot switch compilers mid-configure, so firmware is built with custom commands
# that call `clang --target=msp430` and `ld.lld -m msp430elf` directly (clang's driver would look
# for msp430-elf-ld, which Debian does not ship; see ../shared/reference facts §5.4).
find_program(MSP430_CLANG NAMES clang-14 clang REQUIRED)
find_program(MSP430_LLD NAMES ld.lld-14 ld.lld REQUIRED)

set(MSP430_CFLAGS --target=msp430 -mcpu=msp430 -mhwmult=f5series -Os -ffreestanding -fno-builtin
    -nostdinc -ffunction-sections -fdata-sections -Wall -Wextra -Werror=implicit-function-declaration
    -std=c11)
set(MSP430_LINKER_SCRIPT "${CMAKE_SOURCE_DIR}/freeml/firmware/runtime/msp430fr5994.ld")
set(MSP430_FIRMWARE_INCLUDE "${CMAKE_SOURCE_DIR}/freeml/firmware/include")
set(MSP430_FIRMWARE_DIR "${CMAKE_BINARY_DIR}/firmware")

# msp430_compile(OUT_VAR src...) -> list of object files
function(msp430_compile out_var)
  set(objs)
  foreach(src IN LISTS ARGN)
    get_filename_component(abs "${src}" ABSOLUTE)
    file(RELATIVE_PATH rel "${CMAKE_SOURCE_DIR}" "${abs}")
    string(REPLACE "/" "_" objname "${rel}")
    set(obj "${CMAKE_BINARY_DIR}/msp430-obj/${objname}.o")
    add_custom_command(
      OUTPUT "${obj}"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${CMAKE_BINARY_DIR}/msp430-obj"
      COMMAND ${MSP430_CLANG} ${MSP430_CFLAGS} -I${MSP430_FIRMWARE_INCLUDE} -MD -MF "${obj}.d"
              -c "${abs}" -o "${obj}"
      DEPENDS "${abs}"
      DEPFILE "${obj}.d"
      COMMENT "MSP430 CC ${rel}"
      VERBATIM)
    list(APPEND objs "${obj}")
  endforeach()
  set(${out_var} ${objs} PARENT_SCOPE)
endfunction()

# add_msp430_firmware(NAME SOURCES a.c b.S ... [NO_RUNTIME]) -> ${MSP430_FIRMWARE_DIR}/NAME.elf,
# a target NAME_elf, and the property ELF on it. The runtime (crt0, __mspabi_* helpers,
# memcpy/memset) is linked unless NO_RUNTIME is given.
function(add_msp430_firmware name)
  cmake_parse_arguments(FW "NO_RUNTIME" "" "SOURCES" ${ARGN})
  msp430_compile(objs ${FW_SOURCES})
  if(NOT FW_NO_RUNTIME)
    list(APPEND objs ${MSP430_RUNTIME_OBJECTS})
  endif()
  set(elf "${MSP430_FIRMWARE_DIR}/${name}.elf")
  add_custom_command(
    OUTPUT "${elf}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${MSP430_FIRMWARE_DIR}"
    COMMAND ${MSP430_LLD} -m msp430elf -n --gc-sections -T "${MSP430_LINKER_SCRIPT}"
            -Map "${MSP430_FIRMWARE_DIR}/${name}.map" ${objs} -o "${elf}"
    DEPENDS ${objs} "${MSP430_LINKER_SCRIPT}"
    COMMENT "MSP430 LD ${name}.elf"
    VERBATIM)
  add_custom_target(${name}_elf ALL DEPENDS "${elf}")
  set_target_properties(${name}_elf PROPERTIES ELF "${elf}")
endfunction()
