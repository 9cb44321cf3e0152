/// Formats tensors as torch prints them (placeholder until the full formatter lands).
public enum TensorFormatter {
    public static func format(_ t: Tensor) -> String {
        "tensor(\(t.doubles))"
    }
}
