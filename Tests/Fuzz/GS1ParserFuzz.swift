// libFuzzer target for the GS1 parser. Built by `make fuzz` with swiftc -sanitize=fuzzer together with the
// GS1 sources of Core (one module, so no import): any crash, trap or sanitizer report is a finding.

@_cdecl("LLVMFuzzerTestOneInput")
public func gs1ParserFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    let parser = GS1Parser(referenceYear: 2026, separators: ["Alt029", "|"])
    if let message = try? parser.parse(text) {
        // Whatever parses must also serialise and still satisfy its own invariants.
        _ = parser.decodeJSON(text)
        precondition(!message.elements.isEmpty, "a parsed message has elements")
        if let gtin = message.gtin { precondition(gtin.count == 14, "GTINs are reported as GTIN-14") }
    }
    return 0
}
