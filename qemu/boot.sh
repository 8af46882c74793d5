#!/usr/bin/env bash
# Boots one assembled device (DIR/pflash0.img + DIR/pflash1.img) headless, with bounded time.
# Prints the device log (semihosting) and exits with QEMU's exit code:
# 0 app booted, 3 CPU trap, 32+n ROM halt, 64+n bootloader halt, 124 timeout.
set -uo pipefail
dir=${1:?usage: boot.sh IMAGE_DIR}
timeout_s=${FW_BOOT_TIMEOUT:-60}
exec timeout --kill-after=5 "$timeout_s" qemu-system-riscv32 -M virt -m 128M -bios none \
  -cpu rv32,a=false,f=false,d=false,zba=false,zbb=false,zbc=false,zbs=false \
  -icount shift=0 -display none -monitor none -serial null -nodefaults \
  -semihosting-config enable=on,target=native \
  -drive if=pflash,unit=0,format=raw,file="$dir/pflash0.img",readonly=on \
  -drive if=pflash,unit=1,format=raw,file="$dir/pflash1.img" 2>&1
