/* A dense switch (jump table through BR via an indexed table) and a sparse one (compare chain),
 * driving a small bytecode interpreter. */
#include "diffprog.h"

uint16_t results[20];

enum { OP_PUSH, OP_ADD, OP_SUB, OP_MUL2, OP_DUP, OP_SWAP, OP_XOR, OP_NEG, OP_JNZ, OP_HALT };

static uint16_t sparse(uint16_t k) {
  switch (k) {
    case 3:
      return 0x11;
    case 100:
      return 0x22;
    case 1000:
      return 0x33;
    case 0x7FFF:
      return 0x44;
    case 0x8000:
      return 0x55;
    default:
      return 0x99;
  }
}

static int16_t run(const uint8_t* code) {
  int16_t stack[16];
  int16_t sp = 0;
  uint16_t pc = 0, steps = 0;
  for (;;) {
    ++steps;
    switch (code[pc++]) {
      case OP_PUSH:
        stack[sp++] = (int8_t)code[pc++];
        break;
      case OP_ADD:
        --sp;
        stack[sp - 1] = (int16_t)(stack[sp - 1] + stack[sp]);
        break;
      case OP_SUB:
        --sp;
        stack[sp - 1] = (int16_t)(stack[sp - 1] - stack[sp]);
        break;
      case OP_MUL2:
        stack[sp - 1] = (int16_t)(stack[sp - 1] * 2);
        break;
      case OP_DUP:
        stack[sp] = stack[sp - 1];
        ++sp;
        break;
      case OP_SWAP: {
        int16_t t = stack[sp - 1];
        stack[sp - 1] = stack[sp - 2];
        stack[sp - 2] = t;
        break;
      }
      case OP_XOR:
        --sp;
        stack[sp - 1] ^= stack[sp];
        break;
      case OP_NEG:
        stack[sp - 1] = (int16_t)-stack[sp - 1];
        break;
      case OP_JNZ: {
        int8_t off = (int8_t)code[pc++];
        if (stack[--sp] != 0) pc = (uint16_t)(pc + off);
        break;
      }
      case OP_HALT:
        return (int16_t)(stack[sp - 1] + (int16_t)(steps << 8));
      default:
        return -1;
    }
  }
}

int main(void) {
  /* acc = 1, counter = 10; do { acc = (acc * 2) ^ 5; } while (--counter); return -(acc + 0) */
  static const uint8_t prog[] = {
      OP_PUSH, 1, OP_PUSH, 10,     OP_SWAP, OP_MUL2,      OP_PUSH, 5,      OP_XOR, OP_SWAP,
      OP_PUSH, 1, OP_SUB,  OP_DUP, OP_JNZ,  (uint8_t)-12, OP_ADD,  OP_NEG, OP_HALT};
  static const uint8_t bad[] = {OP_PUSH, 5, 200};
  uint16_t r = 0;
  results[r++] = (uint16_t)run(prog);
  results[r++] = (uint16_t)run(bad);
  static const uint16_t keys[] = {3, 100, 1000, 0x7FFF, 0x8000, 4, 0, 0xFFFF};
  for (uint16_t i = 0; i < 8; ++i) {
    uint16_t k = keys[i];
    OPAQUE(k);
    results[r++] = sparse(k);
  }
  for (uint16_t i = 0; i < 10; ++i) { /* dense switch over a computed value */
    uint16_t v = (uint16_t)(i * 3 % 7);
    OPAQUE(v);
    uint16_t out;
    switch (v) {
      case 0:
        out = 0xA0;
        break;
      case 1:
        out = 0xB1;
        break;
      case 2:
        out = 0xC2;
        break;
      case 3:
        out = 0xD3;
        break;
      case 4:
        out = 0xE4;
        break;
      case 5:
        out = 0xF5;
        break;
      default:
        out = 0x66;
        break;
    }
    results[r++] = (uint16_t)(out + i);
  }
  done();
  return 0;
}
