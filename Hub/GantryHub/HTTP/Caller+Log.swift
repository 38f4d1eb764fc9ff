import Logging

extension Caller {
    /// Who called, for the access line: `plant=ACME-BER` or `principal=alice`; nothing for an open route.
    var logMetadata: Logger.Metadata {
        switch self {
        case .anonymous: [:]
        case .plant(let plant): ["plant": .string(plant.plantID)]
        case .principal(let principal): ["principal": .string(principal.name)]
        }
    }
}
