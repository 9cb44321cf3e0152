/// Modules of the reference libraries that are plain Python in them, written here in trick's
/// own language and run like a user's module on first import (trick's implementation, not the
/// libraries' code): the wrappers, randomness helpers and ToTensor of `mmcv.transforms`, and Python's
/// `dataclasses`.
enum BundledModules {
    /// Source of each module, by dotted name.
    static let sources: [String: String] = [
        "mmcv.transforms.utils": MMCVTransformUtils.source,
        "mmcv.transforms.wrappers": MMCVTransformWrappers.source,
        "mmcv.transforms.formatting": MMCVTransformFormatting.source,
        "dataclasses": Dataclasses.source,
        "torch.nn.modules.loss": TorchLossModules.source,
    ]

    /// Names a built-in module re-exports from a bundled one (`from mmcv.transforms import KeyMapper`).
    static let reexports: [String: [String: String]] = [
        "mmcv.transforms": Dictionary(uniqueKeysWithValues: MMCVTransformWrappers.exported.map { ($0, "mmcv.transforms.wrappers") }
            + MMCVTransformUtils.exported.map { ($0, "mmcv.transforms.utils") }
            + MMCVTransformFormatting.exported.map { ($0, "mmcv.transforms.formatting") }),
        "torch.nn": Dictionary(uniqueKeysWithValues: TorchLossModules.exported.map { ($0, "torch.nn.modules.loss") }),
    ]

    /// Registered type names whose class a bundled module defines (a config naming one imports it).
    static let registeredTypes: [String: String] = Dictionary(uniqueKeysWithValues:
        MMCVTransformWrappers.registered.map { ($0, "mmcv.transforms.wrappers") }
        + MMCVTransformFormatting.registered.map { ($0, "mmcv.transforms.formatting") })

    /// Where errors in a bundled module point.
    static func displayPath(_ name: String) -> String {
        "<trick>/" + name.split(separator: ".").joined(separator: "/") + ".py"
    }
}
