/* Reset entry shared by ROM, bootloader and app: stack, trap vector, .data, .bss, main. */
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, __stack_top
    la t0, fw_trap_entry
    csrw mtvec, t0
    /* keep the hand-off pointer from the previous stage */
    mv s0, a0
    la a0, __data_start
    la a1, __data_load
    la a2, __data_end
1:  bgeu a0, a2, 2f
    lw t0, 0(a1)
    sw t0, 0(a0)
    addi a0, a0, 4
    addi a1, a1, 4
    j 1b
2:  la a0, __bss_start
    la a2, __bss_end
3:  bgeu a0, a2, 4f
    sw zero, 0(a0)
    addi a0, a0, 4
    j 3b
4:  mv a0, s0
    call fw_main
    li a0, 3
    call fw_board_exit

    .align 4
    .globl fw_trap_entry
fw_trap_entry:
    li a0, 3
    call fw_board_exit

    /* Semihosting call: the three-instruction sequence must stay uncompressed. */
    .align 4
    .globl fw_semihost
fw_semihost:
    .option push
    .option norvc
    slli zero, zero, 0x1f
    ebreak
    srai zero, zero, 7
    .option pop
    ret
