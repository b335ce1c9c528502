package space.share.media.ingest.flv;

/** Reads bits MSB-first, with Exp-Golomb codes (H.264 9.1); every read is bounds-checked. */
final class BitReader {
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

  int readBits(int count) throws MediaFormatException {
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

  /** ue(v). Values above 2^31 - 2 cannot occur in the fields we read and are rejected. */
  int readUe() throws MediaFormatException {
    int leadingZeros = 0;
    while (readBit() == 0) {
      if (++leadingZeros > 31) {
        throw MediaFormatException.malformed("Exp-Golomb code longer than 32 bits");
      }
    }
    return leadingZeros == 0 ? 0 : (1 << leadingZeros) - 1 + readBits(leadingZeros);
  }

  /** se(v). */
  int readSe() throws MediaFormatException {
    int codeNum = readUe();
    return (codeNum & 1) == 1 ? (codeNum + 1) / 2 : -(codeNum / 2);
  }
}
