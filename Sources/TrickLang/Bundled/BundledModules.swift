/// Modules of the reference libraries that are plain Python in them, written here in trick's
/// own language and run like a user's module on first import (trick's implementation, not the
/// libraries' code): the wrappers, randomness helpers and ToTensor of `mmcv.transforms`, Python's
/// `dataclasses` and `enum`, torch's loss modules, `torch.optim.Optimizer`,
/// `torch.utils.data`'s datasets, mmengine's weight initialisers and mmcv.cnn's layer builders and
/// `ConvModule`.
enum BundledModules {
    /// Source of each module, by dotted name.
    static let sources: [String: String] = [
        "mmcv.transforms.utils": MMCVTransformUtils.source,
        "mmcv.transforms.wrappers": MMCVTransformWrappers.source,
        "mmcv.transforms.formatting": MMCVTransformFormatting.source,
        "dataclasses": Dataclasses.source,
        "enum": EnumModule.source,
        "torch.nn.modules.loss": TorchLossModules.source,
        "torch.nn.modules.transformer": TorchTransformer.source,
        "torch.nn.modules.more_layers": TorchMoreLayers.source,
        "torch.optim.optimizer": TorchOptimizerBase.source,
        "torch.utils.data.dataset": TorchDatasets.source,
        "mmengine.model.weight_init": MMEngineWeightInit.source,
        "mmcv.cnn.bricks.builders": MMCVCnnBricks.source,
        "mmcv.cnn.bricks.conv_module": MMCVConvModule.source,
    ]

    /// Names a built-in module re-exports from a bundled one (`from mmcv.transforms import KeyMapper`).
    static let reexports: [String: [String: String]] = [
        "mmcv.transforms": Dictionary(uniqueKeysWithValues: MMCVTransformWrappers.exported.map { ($0, "mmcv.transforms.wrappers") }
            + MMCVTransformUtils.exported.map { ($0, "mmcv.transforms.utils") }
            + MMCVTransformFormatting.exported.map { ($0, "mmcv.transforms.formatting") }),
        "torch.nn": Dictionary(uniqueKeysWithValues: TorchLossModules.exported.map { ($0, "torch.nn.modules.loss") }
            + TorchTransformer.exported.map { ($0, "torch.nn.modules.transformer") }
            + TorchMoreLayers.exported.map { ($0, "torch.nn.modules.more_layers") }),
        "torch.nn.functional": Dictionary(uniqueKeysWithValues: TorchTransformer.functional.map { ($0, "torch.nn.modules.transformer") }
            + TorchMoreLayers.functional.map { ($0, "torch.nn.modules.more_layers") }),
        "mmengine.model": Dictionary(uniqueKeysWithValues: MMEngineWeightInit.exported.map { ($0, "mmengine.model.weight_init") }),
        "mmcv.cnn": mmcvCnn,
        "mmcv.cnn.bricks": mmcvCnn,
        "torch.optim": Dictionary(uniqueKeysWithValues: TorchOptimizerBase.exported.map { ($0, "torch.optim.optimizer") }),
        "torch.utils.data": Dictionary(uniqueKeysWithValues: TorchDatasets.exported.map { ($0, "torch.utils.data.dataset") }),
    ]

    /// mmcv.cnn (and mmcv.cnn.bricks): the builders and the blocks.
    static let mmcvCnn = Dictionary(uniqueKeysWithValues: MMCVCnnBricks.exported.map { ($0, "mmcv.cnn.bricks.builders") }
        + MMCVConvModule.exported.map { ($0, "mmcv.cnn.bricks.conv_module") })

    /// Registered type names whose class a bundled module defines (a config naming one imports it).
    static let registeredTypes: [String: String] = Dictionary(uniqueKeysWithValues:
        MMCVTransformWrappers.registered.map { ($0, "mmcv.transforms.wrappers") }
        + MMCVTransformFormatting.registered.map { ($0, "mmcv.transforms.formatting") }
        + MMCVCnnBricks.registered.map { ($0, "mmcv.cnn.bricks.builders") }
        + MMCVConvModule.registered.map { ($0, "mmcv.cnn.bricks.conv_module") })

    /// Whether `cls` is a class a bundled module defines (`torch.optim.Optimizer`): built-in
    /// objects naming it among their `referenceBases` are its instances.
    static func isBundledClass(_ cls: ClassInfo) -> Bool { sources[cls.module] != nil }

    /// Where errors in a bundled module point.
    static func displayPath(_ name: String) -> String {
        "<trick>/" + name.split(separator: ".").joined(separator: "/") + ".py"
    }
}
