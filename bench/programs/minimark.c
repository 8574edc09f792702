/* minimark: a CoreMark-like mix of three small workloads per iteration, folded into a
 * CRC-16: a linked list (search, reverse, merge sort by two keys), integer matrix
 * operations (add constant, matrix-vector, matrix-matrix, bit extraction) and a state
 * machine classifying the tokens of a generated text. Usage: minimark [ITERATIONS]. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint16_t crc16_byte(uint16_t crc, uint8_t b) {
    crc ^= b;
    for (int k = 0; k < 8; k++) crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
    return crc;
}
static uint16_t crc16_u16(uint16_t crc, uint16_t v) { return crc16_byte(crc16_byte(crc, (uint8_t)v), (uint8_t)(v >> 8)); }
static uint16_t crc16_u32(uint16_t crc, uint32_t v) { return crc16_u16(crc16_u16(crc, (uint16_t)v), (uint16_t)(v >> 16)); }

/* ---- linked list ---- */
typedef struct Node { struct Node *next; int16_t data; int16_t idx; } Node;
#define LIST_N 400
static Node pool[LIST_N];

static Node *list_build(uint16_t seed) {
    Node *head = NULL;
    for (int i = LIST_N - 1; i >= 0; i--) {
        seed = (uint16_t)(seed * 25173u + 13849u);
        pool[i].data = (int16_t)(seed & 0x7fff);
        pool[i].idx = (int16_t)i;
        pool[i].next = head;
        head = &pool[i];
    }
    return head;
}

static Node *list_find(Node *l, int16_t data) {
    for (; l; l = l->next) if ((l->data & 0xff) == (data & 0xff)) return l;
    return NULL;
}

static Node *list_reverse(Node *l) {
    Node *prev = NULL;
    while (l) { Node *nx = l->next; l->next = prev; prev = l; l = nx; }
    return prev;
}

static int cmp_data(const Node *a, const Node *b) { return a->data - b->data ? a->data - b->data : a->idx - b->idx; }
static int cmp_idx(const Node *a, const Node *b) { return a->idx - b->idx; }

static Node *list_sort(Node *l, int (*cmp)(const Node *, const Node *)) {
    if (!l || !l->next) return l;
    Node *slow = l, *fast = l->next;
    while (fast && fast->next) { slow = slow->next; fast = fast->next->next; }
    Node *b = slow->next;
    slow->next = NULL;
    Node *a = list_sort(l, cmp);
    b = list_sort(b, cmp);
    Node head, *t = &head;
    while (a && b) {
        if (cmp(a, b) <= 0) { t->next = a; a = a->next; } else { t->next = b; b = b->next; }
        t = t->next;
    }
    t->next = a ? a : b;
    return head.next;
}

static uint16_t bench_list(uint16_t crc, uint16_t seed) {
    Node *l = list_build(seed);
    for (int k = 0; k < 40; k++) {
        Node *f = list_find(l, (int16_t)(seed + k * 37));
        crc = crc16_u16(crc, f ? (uint16_t)f->idx : 0xffff);
    }
    l = list_reverse(l);
    l = list_sort(l, cmp_data);
    for (Node *p = l; p; p = p->next) crc = crc16_u16(crc, (uint16_t)p->data);
    l = list_sort(l, cmp_idx);
    crc = crc16_u16(crc, (uint16_t)l->data);
    return crc;
}

/* ---- matrix ---- */
#define MN 24
static int16_t ma[MN * MN], mb[MN * MN];
static int32_t mc[MN * MN];

static uint16_t bench_matrix(uint16_t crc, int16_t seed) {
    for (int i = 0; i < MN * MN; i++) {
        ma[i] = (int16_t)((seed * (i + 1)) & 0x3ff);
        mb[i] = (int16_t)(((seed ^ i) * 7) & 0xff);
    }
    int16_t k = (int16_t)(seed & 0x1f);
    for (int i = 0; i < MN * MN; i++) ma[i] = (int16_t)(ma[i] + k);
    int32_t sum = 0;
    for (int i = 0; i < MN; i++) { /* matrix * vector (first column of b) */
        int32_t acc = 0;
        for (int j = 0; j < MN; j++) acc += ma[i * MN + j] * mb[j * MN];
        sum += acc;
    }
    crc = crc16_u32(crc, (uint32_t)sum);
    for (int i = 0; i < MN; i++)
        for (int j = 0; j < MN; j++) {
            int32_t acc = 0;
            for (int t = 0; t < MN; t++) acc += ma[i * MN + t] * mb[t * MN + j];
            mc[i * MN + j] = acc;
        }
    sum = 0;
    for (int i = 0; i < MN * MN; i++) sum += (mc[i] >> 2 & 0xf) * ((mc[i] >> 5) & 0x7f);
    crc = crc16_u32(crc, (uint32_t)sum);
    for (int i = 0; i < MN * MN; i += 7) crc = crc16_u32(crc, (uint32_t)mc[i]);
    return crc;
}

/* ---- state machine ---- */
enum State { S_START, S_INT, S_FLOAT, S_EXP, S_SCI, S_INVALID, S_COUNT };
#define TEXT_N 2048
static char text[TEXT_N + 1];

static void text_build(uint32_t seed) {
    static const char alphabet[] = "0123456789012345+-.eE,x";
    for (int i = 0; i < TEXT_N; i++) {
        seed = seed * 1103515245u + 12345u;
        text[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
    }
    text[TEXT_N] = 0;
}

static uint16_t bench_state(uint16_t crc) {
    uint32_t counts[S_COUNT] = {0}, transitions = 0;
    enum State s = S_START;
    for (const char *p = text; *p; p++) {
        char c = *p;
        enum State ns = s;
        if (c == ',') { counts[s]++; ns = S_START; }
        else switch (s) {
            case S_START:
                if (c >= '0' && c <= '9') ns = S_INT;
                else if (c == '+' || c == '-') ns = S_INT;
                else if (c == '.') ns = S_FLOAT;
                else ns = S_INVALID;
                break;
            case S_INT:
                if (c == '.') ns = S_FLOAT;
                else if (c == 'e' || c == 'E') ns = S_EXP;
                else if (!(c >= '0' && c <= '9')) ns = S_INVALID;
                break;
            case S_FLOAT:
                if (c == 'e' || c == 'E') ns = S_EXP;
                else if (!(c >= '0' && c <= '9')) ns = S_INVALID;
                break;
            case S_EXP:
                if ((c >= '0' && c <= '9') || c == '+' || c == '-') ns = S_SCI;
                else ns = S_INVALID;
                break;
            case S_SCI:
                if (!(c >= '0' && c <= '9')) ns = S_INVALID;
                break;
            default: break;
        }
        transitions += ns != s;
        s = ns;
    }
    counts[s]++;
    for (int i = 0; i < S_COUNT; i++) crc = crc16_u32(crc, counts[i]);
    return crc16_u32(crc, transitions);
}

int main(int argc, char **argv) {
    int iters = argc > 1 ? atoi(argv[1]) : 5000;
    uint16_t crc = 0;
    for (int it = 0; it < iters; it++) {
        uint16_t seed = (uint16_t)(it * 2654435761u >> 16);
        crc = bench_list(crc, seed);
        crc = bench_matrix(crc, (int16_t)seed);
        text_build(seed ^ 0x5a5a5a5au);
        crc = bench_state(crc);
    }
    printf("minimark iterations=%d crc=%04x\n", iters, crc);
    printf("checksum: %04x\n", crc);
    return 0;
}
