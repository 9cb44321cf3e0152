/// Placeholder; the interpreter defines these.
public final class Frame {}
public final class FunctionCode { public let name: String = "" }
