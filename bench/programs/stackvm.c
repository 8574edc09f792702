/* stackvm: a small bytecode interpreter (a stack machine with locals, a switch dispatch
 * loop) running a loop-heavy program: the total Collatz trajectory length of 1..N and a
 * nested-loop arithmetic sum. Usage: stackvm [N] (default 120000). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum Op { PUSH, LOAD, STORE, ADD, SUB, MUL, DIV, AND, LT, EQ, JZ, JMP, DUP, DROP, INC, HALT };

typedef struct { uint8_t op; int32_t arg; } Ins;

static Ins code[256];
static int ncode;
static int emit(enum Op op, int32_t arg) { code[ncode] = (Ins){(uint8_t)op, arg}; return ncode++; }

static int64_t run(const Ins *prog, int64_t *locals) {
    int64_t stack[64];
    int sp = 0, pc = 0;
    for (;;) {
        const Ins in = prog[pc++];
        switch (in.op) {
        case PUSH: stack[sp++] = in.arg; break;
        case LOAD: stack[sp++] = locals[in.arg]; break;
        case STORE: locals[in.arg] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case DIV: sp--; stack[sp - 1] /= stack[sp]; break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case JZ: if (stack[--sp] == 0) pc = in.arg; break;
        case JMP: pc = in.arg; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case DROP: sp--; break;
        case INC: locals[in.arg]++; break;
        case HALT: return sp ? stack[sp - 1] : 0;
        default: return -1;
        }
    }
}

/* locals: 0 = n, 1 = i, 2 = x, 3 = steps (total), 4 = j, 5 = acc */
static void assemble(void) {
    ncode = 0;
    /* i = 1 */
    emit(PUSH, 1); emit(STORE, 1);
    int outer = emit(LOAD, 1);          /* while (i < n) */
    emit(LOAD, 0); emit(LT, 0);
    int jz_outer = emit(JZ, 0);
    emit(LOAD, 1); emit(STORE, 2);      /* x = i */
    int inner = emit(LOAD, 2);          /* while (x != 1) */
    emit(PUSH, 1); emit(EQ, 0);
    int jnz_done = emit(JZ, 0);         /* not equal -> body */
    int jmp_end = emit(JMP, 0);
    code[jnz_done].arg = ncode;
    emit(INC, 3);                       /* steps++ */
    emit(LOAD, 2); emit(PUSH, 1); emit(AND, 0);
    int jz_even = emit(JZ, 0);
    emit(LOAD, 2); emit(PUSH, 3); emit(MUL, 0); emit(PUSH, 1); emit(ADD, 0); emit(STORE, 2);
    emit(JMP, inner);
    code[jz_even].arg = ncode;
    emit(LOAD, 2); emit(PUSH, 2); emit(DIV, 0); emit(STORE, 2);
    emit(JMP, inner);
    code[jmp_end].arg = ncode;
    emit(INC, 1);
    emit(JMP, outer);
    code[jz_outer].arg = ncode;
    /* second phase: for j in 0..n: acc = acc * 31 + j & 0xffffff */
    emit(PUSH, 0); emit(STORE, 4);
    int loop2 = emit(LOAD, 4);
    emit(LOAD, 0); emit(LT, 0);
    int jz2 = emit(JZ, 0);
    emit(LOAD, 5); emit(PUSH, 31); emit(MUL, 0); emit(LOAD, 4); emit(ADD, 0);
    emit(PUSH, 0xffffff); emit(AND, 0); emit(STORE, 5);
    emit(INC, 4);
    emit(JMP, loop2);
    code[jz2].arg = ncode;
    emit(LOAD, 3); emit(LOAD, 5); emit(ADD, 0);
    emit(HALT, 0);
}

int main(int argc, char **argv) {
    int64_t n = argc > 1 ? atoll(argv[1]) : 120000;
    assemble();
    int64_t locals[8] = {n, 0, 0, 0, 0, 0, 0, 0};
    int64_t result = run(code, locals);
    printf("stackvm n=%lld program of %d instructions: collatz steps=%lld acc=%lld\n",
           (long long)n, ncode, (long long)locals[3], (long long)locals[5]);
    printf("checksum: %lld\n", (long long)result);
    return 0;
}
