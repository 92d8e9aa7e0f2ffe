/* The guest programs of `dcsim kvm-probe` (src/host/kvm-probe.c), in GNU
 * assembler.  They are data for the host: each sits between the global
 * labels kvm_guest_NAME_start and kvm_guest_NAME_end in .rodata, and the
 * probe copies those bytes into guest memory and runs them in 64-bit
 * long mode at CPL 0.  They only use relative jumps, so they run from
 * any address.
 *
 * Every program is the same timed loop around one exiting instruction:
 *
 *     for (i = 0; i < n; i++) {
 *         t0 = rdtsc(); t1 = rdtsc(); <the instruction>; t2 = rdtsc();
 *         samples[i] = { t2 - t1, t1 - t0 };
 *     }
 *     out(done_port);
 *
 * with LFENCE before each RDTSC so that it reads the time after the
 * instructions before it have completed.  The round trip of the exit
 * (guest -> KVM, or on to user space and back -> guest) falls between
 * t1 and t2, together with what one RDTSC costs; t1 - t0 is that cost
 * alone, just before, for the probe to subtract.  It is tens of cycles
 * under VMX or SVM, but thousands where RDTSC itself exits (kvm_pvm).
 * The "null" program has no instruction in between: it shows what is
 * left after the subtraction.
 *
 * Registers the probe sets before each run:
 *   rdi  guest physical address of the samples (two u64 each)
 *   rsi  number of iterations, >= 1
 *   r10  the MMIO or doorbell register's address
 *   r12  the I/O port of the pio program
 *   r13  the done port: OUT to it ends the run
 *   r14  the error port: OUT of eax to it reports a wrong result
 *   r15  the marker the cpuid program expects
 * The loop uses r8 and r11 (times), r9 (index) and rbp (the next
 * sample); RDTSC and CPUID clobber rax, rbx, rcx and rdx. */
#if defined(__x86_64__)

	.section .rodata, "a"
	.code64

/* KVM's reply to a hypercall number it does not know: -KVM_ENOSYS
 * (include/uapi/linux/kvm_para.h). */
#define KVM_ENOSYS 1000
/* No such hypercall; KVM_HC_* numbers are small. */
#define PROBE_HYPERCALL_NR 0x7fff

.macro RDTSC64
	lfence
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
.endm

.macro GUEST_BEGIN name
	.globl	kvm_guest_\name\()_start
	.globl	kvm_guest_\name\()_end
kvm_guest_\name\()_start:
	xor	%r9d, %r9d
	mov	%rdi, %rbp
1:	RDTSC64
	mov	%rax, %r8
	RDTSC64
	mov	%rax, %r11
.endm

.macro GUEST_END name
	RDTSC64
	sub	%r11, %rax
	mov	%rax, (%rbp)
	sub	%r8, %r11
	mov	%r11, 8(%rbp)
	add	$16, %rbp
	inc	%r9
	cmp	%rsi, %r9
	jb	1b
	mov	%r13d, %edx
	out	%al, %dx
2:	hlt
	jmp	2b
3:	mov	%r14d, %edx
	out	%eax, %dx
	jmp	2b
kvm_guest_\name\()_end:
.endm

GUEST_BEGIN null
GUEST_END null

/* A port write: KVM_EXIT_IO to user space (no device in the kernel). */
GUEST_BEGIN pio
	mov	%r12d, %edx
	out	%al, %dx
GUEST_END pio

/* The port write without guest timing: the probe times it from user
 * space, between returns of KVM_RUN, as a check on the guest's figures
 * where RDTSC itself exits. */
	.globl	kvm_guest_pio_bare_start
	.globl	kvm_guest_pio_bare_end
kvm_guest_pio_bare_start:
	mov	%r12d, %edx
1:	out	%al, %dx
	dec	%rsi
	jnz	1b
	mov	%r13d, %edx
	out	%al, %dx
2:	hlt
	jmp	2b
kvm_guest_pio_bare_end:

/* A load from a guest physical address without memory: KVM_EXIT_MMIO,
 * the probe supplies the value. */
GUEST_BEGIN mmio_read
	mov	(%r10), %eax
GUEST_END mmio_read

/* A store there, as a virtio driver kicks a queue: KVM_EXIT_MMIO, or
 * the ioeventfd registered at the address. */
GUEST_BEGIN mmio_write
	mov	%r9d, (%r10)
GUEST_END mmio_write

/* Without an in-kernel local APIC, HLT exits to user space. */
GUEST_BEGIN hlt
	hlt
GUEST_END hlt

/* Handled in KVM from the table set with KVM_SET_CPUID2, where the probe
 * put a marker (r15) in leaf 0x40000001's ebx: an answer without it
 * came from somewhere else (an outer hypervisor) and goes to the error
 * port. */
GUEST_BEGIN cpuid
	mov	$0x40000001, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%ebx, %eax
	cmp	%r15d, %ebx
	jne	3f
GUEST_END cpuid

/* Hypercalls, Intel's and AMD's: KVM answers an unknown number in the
 * kernel with -KVM_ENOSYS in rax; anything else goes to the error port. */
GUEST_BEGIN vmcall
	mov	$PROBE_HYPERCALL_NR, %eax
	vmcall
	cmp	$-KVM_ENOSYS, %rax
	jne	3f
GUEST_END vmcall

GUEST_BEGIN vmmcall
	mov	$PROBE_HYPERCALL_NR, %eax
	vmmcall
	cmp	$-KVM_ENOSYS, %rax
	jne	3f
GUEST_END vmmcall

#endif

	.section .note.GNU-stack, "", %progbits
