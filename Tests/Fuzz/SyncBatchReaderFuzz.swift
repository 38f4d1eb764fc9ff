// libFuzzer target for the hub's sync body parser, which reads whatever the network sends. Built with
// swiftc -sanitize=fuzzer together with the Core sources it needs (one module, so no import): any crash,
// trap or sanitizer report is a finding.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func syncBatchReaderFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let body = Data(bytes: data, count: size)
    if let batch = try? SyncBatchReader.read(body) {
        // What parses must write back as canonical text that reads to the same values.
        for event in batch.events {
            let again = try? SyncBatchReader.value(Data(event.payload.canonicalText.utf8))
            precondition(again == event.payload, "a payload survives its canonical text")
        }
    }
    _ = try? SyncBatchReader.value(body)
    return 0
}
