// The analyzer requests in protobuf's wire format, written straight from plain values: the same bytes as
// google-protobuf's messages (Struct.fromJavaScript, then serializeBinary) without building those messages,
// which cost most of the audit's own time at 15,000 resources (test/tools/wire.test.ts compares the bytes).

/** Thrown for a value google-protobuf encodes its own way (a string with UTF-16 surrogates): use its messages. */
export class NotEncodable extends Error {}

const SURROGATE = /[\uD800-\uDFFF]/;

/** A growing buffer of protobuf fields. Nested messages reserve one length byte and move when longer. */
export class WireWriter {
    private buf: Buffer;
    private pos = 0;

    constructor(size = 1 << 16) {
        this.buf = Buffer.allocUnsafe(size);
    }

    /** Where the next field goes: `rewind` drops what was written after it. */
    mark(): number {
        return this.pos;
    }

    rewind(to: number): void {
        this.pos = to;
    }

    private ensure(n: number): void {
        if (this.pos + n > this.buf.length) {
            const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
            this.buf.copy(next, 0, 0, this.pos);
            this.buf = next;
        }
    }

    private varint(v: number): void {
        this.ensure(5);
        while (v > 127) {
            this.buf[this.pos++] = (v & 127) | 128;
            v >>>= 7;
        }
        this.buf[this.pos++] = v;
    }

    private tag(field: number, wireType: number): void {
        this.varint((field << 3) | wireType);
    }

    string(field: number, s: string): void {
        if (SURROGATE.test(s)) {
            throw new NotEncodable();
        }
        const n = Buffer.byteLength(s, "utf8");
        this.tag(field, 2);
        this.varint(n);
        this.ensure(n);
        this.pos += this.buf.write(s, this.pos, n, "utf8");
    }

    /** A proto3 scalar string: left out when empty. */
    optionalString(field: number, s: string | undefined): void {
        if (s) {
            this.string(field, s);
        }
    }

    bool(field: number, b: boolean): void {
        this.tag(field, 0);
        this.varint(b ? 1 : 0);
    }

    enum(field: number, v: number): void {
        this.tag(field, 0);
        this.varint(v);
    }

    double(field: number, x: number): void {
        this.tag(field, 1);
        this.ensure(8);
        if (Number.isNaN(x)) {
            // google-protobuf's NaN (jspb.utils.splitFloat64): high word 0x7fffffff, low word 0xffffffff.
            this.buf.writeUInt32LE(0xffffffff, this.pos);
            this.buf.writeUInt32LE(0x7fffffff, this.pos + 4);
        } else {
            this.buf.writeDoubleLE(x, this.pos);
        }
        this.pos += 8;
    }

    /** Opens a length-delimited field; returns what `end` needs. */
    begin(field: number): number {
        this.tag(field, 2);
        this.ensure(1);
        return this.pos++;
    }

    end(at: number): void {
        const len = this.pos - at - 1;
        if (len < 128) {
            this.buf[at] = len;
            return;
        }
        let extra = 0;
        for (let v = len >>> 7; v > 127; v >>>= 7) {
            extra++;
        }
        extra++;
        this.ensure(extra);
        this.buf.copyWithin(at + 1 + extra, at + 1, this.pos);
        this.pos += extra;
        let p = at;
        let v = len;
        while (v > 127) {
            this.buf[p++] = (v & 127) | 128;
            v >>>= 7;
        }
        this.buf[p] = v;
    }

    /** Bytes encoded elsewhere, as one length-delimited field. */
    bytes(field: number, b: Uint8Array): void {
        this.tag(field, 2);
        this.varint(b.length);
        this.ensure(b.length);
        this.buf.set(b, this.pos);
        this.pos += b.length;
    }

    /** The fields of a google.protobuf.Struct (map<string, Value> fields = 1, keys sorted as google-protobuf does). */
    struct(obj: Record<string, unknown>): void {
        // Struct.fromJavaScript reads the keys with for...in.
        const keys: string[] = [];
        for (const k in obj) {
            keys.push(k);
        }
        keys.sort();
        for (const k of keys) {
            const entry = this.begin(1);
            this.string(1, k);
            const value = this.begin(2);
            this.value(obj[k]);
            this.end(value);
            this.end(entry);
        }
    }

    /** The fields of a google.protobuf.Value, as Value.fromJavaScript makes it. */
    value(v: unknown): void {
        switch (typeof v) {
            case "string":
                this.string(3, v);
                return;
            case "number":
                this.double(2, v);
                return;
            case "boolean":
                this.bool(4, v);
                return;
            case "object":
                if (v === null) {
                    this.enum(1, 0);
                } else if (Array.isArray(v)) {
                    const list = this.begin(6);
                    for (let i = 0; i < v.length; i++) {
                        const item = this.begin(1);
                        this.value(v[i]);
                        this.end(item);
                    }
                    this.end(list);
                } else {
                    const s = this.begin(5);
                    this.struct(v as Record<string, unknown>);
                    this.end(s);
                }
                return;
            default:
                // Value.fromJavaScript's error.
                throw new Error("Unexpected struct type.");
        }
    }

    finish(): Buffer {
        return this.buf.subarray(0, this.pos);
    }
}
