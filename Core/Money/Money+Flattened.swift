/// A price that travels flattened into its owner's JSON, as two members: the amount as decimal text and the ISO
/// 4217 code (`"price": "0.12", "currency": "EUR"`), the shape events and answers had before prices were typed.
extension KeyedDecodingContainer {
    /// The price whose amount and currency are the members `amount` and `currency`; nil when the amount is absent.
    /// A present amount with a currency ISO 4217 does not list, or text that is not a decimal, is refused.
    public func decodeFlattenedMoney(amount: Key, currency: Key) throws -> Money? {
        guard let text = try decodeIfPresent(String.self, forKey: amount) else { return nil }
        let code = try decode(String.self, forKey: currency)
        do {
            return try Money(text: text, currencyCode: code)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: amount, in: self, debugDescription: error.description)
        }
    }
}

extension KeyedEncodingContainer {
    /// Writes `money` as the members `amount` (decimal text as written) and `currency`; nothing when nil.
    public mutating func encodeFlattened(_ money: Money?, amount: Key, currency: Key) throws {
        guard let money else { return }
        try encode(money.amountText, forKey: amount)
        try encode(money.currency.code, forKey: currency)
    }
}
