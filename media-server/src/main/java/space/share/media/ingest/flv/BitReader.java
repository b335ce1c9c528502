package space.share.media.ingest.flv;

/**
 * Reads bits MSB-first, with Exp-Golomb codes (H.264 9.1); every read is bounds-checked, and every Exp-Golomb read
 * names its field and the range its semantics allow, so no value from a publisher reaches arithmetic unchecked.
 */
final class BitReader {
  /** H.264 9.1: ue(v) and se(v) fit in 32 bits, so a code has at most 31 leading zero bits. */
  static final int MAX_EXP_GOLOMB_LEADING_ZEROS = 31;

  private final byte[] data;
  private final int endBit;
  private int bitPosition;

  BitReader(byte[] data, int offset, int length) {
    this.data = data;
    this.bitPosition = offset * 8;
    this.endBit = (offset + length) * 8;
  }

  int readBit() throws MediaFormatException {
    if (bitPosition >= endBit) {
      throw MediaFormatException.malformed("bitstream ended early");
    }
    int bit = (data[bitPosition >> 3] >> (7 - (bitPosition & 7))) & 1;
    bitPosition++;
    return bit;
  }

  /** Up to 31 bits, so the result is never negative. */
  int readBits(int count) throws MediaFormatException {
    if (count < 0 || count > 31) {
      throw new IllegalArgumentException("readBits(" + count + ")");
    }
    int value = 0;
    for (int i = 0; i < count; i++) {
      value = (value << 1) | readBit();
    }
    return value;
  }

  void skipBits(int count) throws MediaFormatException {
    for (int i = 0; i < count; i++) {
      readBit();
    }
  }

  /**
   * ue(v) (H.264 9.1): codeNum = 2^leadingZeroBits - 1 + read_bits(leadingZeroBits), at most 2^32 - 2. Reads at most
   * 63 bits whatever the input.
   */
  long readUe() throws MediaFormatException {
    int leadingZeros = 0;
    while (readBit() == 0) {
      if (++leadingZeros > MAX_EXP_GOLOMB_LEADING_ZEROS) {
        throw MediaFormatException.malformed(
            "Exp-Golomb code with 32 or more leading zero bits (H.264 9.1: codeNum must fit in 32 bits)");
      }
    }
    return (1L << leadingZeros) - 1 + readBits(leadingZeros);
  }

  /**
   * ue(v) of a named syntax element whose semantics allow {@code 0..max}.
   *
   * @param clause where the range is stated, for the error message
   */
  int readUe(String field, int max, String clause) throws MediaFormatException {
    long value = readUe();
    if (value > max) {
      throw MediaFormatException.malformed(field + " " + value + " outside 0.." + max + " (H.264 " + clause + ")");
    }
    return (int) value;
  }

  /** se(v) (H.264 9.1.1) of a named syntax element whose semantics allow {@code min..max}. */
  int readSe(String field, int min, int max, String clause) throws MediaFormatException {
    long codeNum = readUe();
    long value = (codeNum & 1) == 1 ? (codeNum + 1) / 2 : -(codeNum / 2);
    if (value < min || value > max) {
      throw MediaFormatException.malformed(
          field + " " + value + " outside " + min + ".." + max + " (H.264 " + clause + ")");
    }
    return (int) value;
  }
}
