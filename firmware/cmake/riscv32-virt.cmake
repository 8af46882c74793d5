# Toolchain for the QEMU virt board with an RV32IMC core (ESP32-C3 class), Debian's bare-metal GCC.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)
set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_ASM_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_OBJCOPY riscv64-unknown-elf-objcopy)
set(CMAKE_SIZE riscv64-unknown-elf-size)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# ISA spec 2.2 counts Zicsr/Zifencei as part of I, so csr and fence.i assemble while
# -march=rv32imc still selects the rv32im multilib (there is no rv32imc one).
set(FW_ARCH_FLAGS "-march=rv32imc -mabi=ilp32 -misa-spec=2.2")
set(CMAKE_C_FLAGS_INIT "${FW_ARCH_FLAGS} -Os -ffunction-sections -fdata-sections --specs=picolibc.specs -DFW_TARGET_BARE_METAL")
set(CMAKE_ASM_FLAGS_INIT "${FW_ARCH_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostartfiles -Wl,--gc-sections")
