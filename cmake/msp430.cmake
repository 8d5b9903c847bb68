# MSP430 firmware built by the normal build with Debian's clang and ld.lld. Also included by
# cmake/ehsim-config.cmake, the SDK for firmware projects of your own: paths below are relative to
# this file's ehsim checkout, not to the project that includes it.
#
# The host project cannot switch compilers mid-configure, so firmware is built with custom commands
# that call `clang --target=msp430` and `ld.lld -m msp430elf` directly (clang's driver would look
# for msp430-elf-ld, which Debian does not ship; see facts §5.4).
find_program(MSP430_CLANG NAMES clang-14 clang REQUIRED)
find_program(MSP430_LLD NAMES ld.lld-14 ld.lld REQUIRED)

set(MSP430_CFLAGS --target=msp430 -mhwmult=f5series -Os -ffreestanding -fno-builtin
    -nostdinc -ffunction-sections -fdata-sections -Wall -Wextra -Werror=implicit-function-declaration
    -std=c11)
get_filename_component(EHSIM_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(MSP430_LINKER_SCRIPT "${EHSIM_ROOT}/freeml/firmware/runtime/msp430fr5994.ld")
set(MSP430_FIRMWARE_INCLUDE "${EHSIM_ROOT}/freeml/firmware/include")
set(MSP430_FIRMWARE_DIR "${CMAKE_BINARY_DIR}/firmware")

# msp430_compile(OUT_VAR src... [FLAGS flag...] [OBJDIR dir]) -> list of object files.
# FLAGS are appended after MSP430_CFLAGS (so e.g. -mhwmult=none overrides the default; clang takes
# the last -mhwmult). Give a distinct OBJDIR when the same source is compiled with other FLAGS.
function(msp430_compile out_var)
  cmake_parse_arguments(C "" "OBJDIR" "FLAGS" ${ARGN})
  if(NOT C_OBJDIR)
    set(C_OBJDIR "${CMAKE_BINARY_DIR}/msp430-obj")
  endif()
  set(objs)
  foreach(src IN LISTS C_UNPARSED_ARGUMENTS)
    get_filename_component(abs "${src}" ABSOLUTE)
    file(RELATIVE_PATH rel "${CMAKE_SOURCE_DIR}" "${abs}")
    if(rel MATCHES "^\\.\\./")  # ehsim's runtime in another project's build
      file(RELATIVE_PATH rel "${EHSIM_ROOT}" "${abs}")
      set(rel "ehsim/${rel}")
    endif()
    string(REPLACE "/" "_" objname "${rel}")
    set(obj "${C_OBJDIR}/${objname}.o")
    add_custom_command(
      OUTPUT "${obj}"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${C_OBJDIR}"
      COMMAND ${MSP430_CLANG} ${MSP430_CFLAGS} ${C_FLAGS} -I${MSP430_FIRMWARE_INCLUDE} -MD -MF
              "${obj}.d" -c "${abs}" -o "${obj}"
      DEPENDS "${abs}"
      DEPFILE "${obj}.d"
      COMMENT "MSP430 CC ${rel}"
      VERBATIM)
    list(APPEND objs "${obj}")
  endforeach()
  set(${out_var} ${objs} PARENT_SCOPE)
endfunction()

# msp430_add_runtime(): compiles the runtime (crt0, __mspabi_* helpers, memcpy/memset) once per
# build into MSP430_RUNTIME_OBJECTS and the target msp430_runtime, which every firmware links.
function(msp430_add_runtime)
  file(GLOB sources CONFIGURE_DEPENDS ${EHSIM_ROOT}/freeml/firmware/runtime/*.c
       ${EHSIM_ROOT}/freeml/firmware/runtime/*.S)
  msp430_compile(runtime_objs ${sources})
  add_custom_target(msp430_runtime DEPENDS ${runtime_objs})
  set(MSP430_RUNTIME_OBJECTS ${runtime_objs} CACHE INTERNAL "MSP430 runtime objects linked into every firmware")
endfunction()

# add_msp430_firmware(NAME SOURCES a.c b.S ... [CFLAGS flag...] [NO_RUNTIME])
#   -> ${MSP430_FIRMWARE_DIR}/NAME.elf, a target NAME_elf, and the property ELF on it.
# The runtime (crt0, __mspabi_* helpers, memcpy/memset) is linked unless NO_RUNTIME is given.
# CFLAGS apply to this firmware's own sources only (objects go to msp430-obj/NAME/); the runtime
# provides both the software and the MPY32 multiply helpers, so it suits any -mhwmult.
function(add_msp430_firmware name)
  cmake_parse_arguments(FW "NO_RUNTIME" "SUBDIR" "SOURCES;CFLAGS" ${ARGN})
  if(FW_CFLAGS)
    msp430_compile(objs ${FW_SOURCES} FLAGS ${FW_CFLAGS} OBJDIR "${CMAKE_BINARY_DIR}/msp430-obj/${name}")
  else()
    msp430_compile(objs ${FW_SOURCES})
  endif()
  if(NOT FW_NO_RUNTIME)
    list(APPEND objs ${MSP430_RUNTIME_OBJECTS})
  endif()
  # SUBDIR keeps a family of programs out of the firmware directory's top level (tests that load
  # every firmware/*.elf do not see them).
  set(dir "${MSP430_FIRMWARE_DIR}")
  if(FW_SUBDIR)
    set(dir "${MSP430_FIRMWARE_DIR}/${FW_SUBDIR}")
  endif()
  set(elf "${dir}/${name}.elf")
  add_custom_command(
    OUTPUT "${elf}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
    COMMAND ${MSP430_LLD} -m msp430elf -n --gc-sections -T "${MSP430_LINKER_SCRIPT}"
            -Map "${dir}/${name}.map" ${objs} -o "${elf}"
    DEPENDS ${objs} "${MSP430_LINKER_SCRIPT}"
    COMMENT "MSP430 LD ${name}.elf"
    VERBATIM)
  add_custom_target(${name}_elf ALL DEPENDS "${elf}")
  # The runtime objects are outputs of another directory's custom commands; a target-level
  # dependency makes them exist before this link runs.
  if(NOT FW_NO_RUNTIME AND TARGET msp430_runtime)
    add_dependencies(${name}_elf msp430_runtime)
  endif()
  set_target_properties(${name}_elf PROPERTIES ELF "${elf}")
endfunction()
