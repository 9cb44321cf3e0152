import TrickLang

/// Every area's built-ins, registered into a library. One line per area of the seed.
public enum TrickLibrary {
    public static func register(_ lib: Library) {
        TensorBindings.register(lib)     // tensors: creation, math, indexing helpers, random
        TestingBindings.register(lib)    // torch.testing / mmengine.testing comparisons
        LossBindings.register(lib)
        LossUtilBindings.register(lib)
        OptimWrapperDictBindings.register(lib)
        VersionBindings.register(lib)   // mmseg reduce_loss / weight_reduce_loss, torch.Tensor       // tricks 2–5: losses, OHEM pixel sampler, decode-head losses
        BoxBindings.register(lib)        // tricks 2, 7, 9: IoU, NMS family, ensembling, assigner/samplers
        ResizeBindings.register(lib)     // trick 6: resize math, transforms, interpolate, TTA
        ParamBindings.register(lib)      // trick 1: modules, param_groups
        ScheduleBindings.register(lib)   // trick 8: lr schedules, SWA
        OptimizerConstructorBindings.register(lib)  // the seed's docstring forms (after the modules exist)
        ImageBindings.register(lib)      // pictures: imread / imwrite / imfrombytes (PNG, JPEG)
        ImCropBindings.register(lib)     // mmcv imcrop, imresize_like
        NumpyBindings.register(lib)      // np.array; what returns numpy arrays upstream prints as numpy (after the images)
        NumpyArrayBindings.register(lib) // np.zeros/ones/stack/allclose/testing, ndarray.copy
        DTypeBindings.register(lib)      // torch.iinfo / finfo, numpy's dtype names, astype
        DrawBindings.register(lib)       // pictures: boxes, seg maps, masks, panels, palettes
        ShowBindings.register(lib)       // pictures: imshow, inline in Jupyter, a saved PNG elsewhere
        AutogradBindings.register(lib)   // training: autograd tensors, gradients of the torch functions (after them)
        AutogradBindings.registerTorchOps(lib)  // torch / F functions pasted code uses: einsum, median, grid_sample, conv_transpose2d, …
        NNModuleBindings.register(lib)   // training: nn layers with values and a forward, nn.init
        AutogradBindings.registerTorchExtraOps(lib)  // more torch surface: linalg, special, addmm, quantile, SDPA, conv1d, … (after the layers)
        TrainingOptimBindings.register(lib)  // training: optimizers, schedulers and OptimWrapper over real parameters
        TorchSchedulerBindings.register(lib) // training: torch.optim.lr_scheduler as torch writes it (after the optimizers)
        AveragedModelBindings.register(lib) // training: SWA / EMA and update_bn on real modules
        DataLoaderBindings.register(lib)    // training: TensorDataset, DataLoader (torch's shuffle order), torch.Generator
        StateFileBindings.register(lib)     // training: weights in .safetensors / .npz / .npy files (after numpy)
        TorchSaveBindings.register(lib)     // training: torch.save / torch.load in torch's zip format
        DistributedBindings.register(lib)   // one CPU process: torch.cuda / torch.distributed / mmengine.dist answers (last: it builds modules)
        AutogradBindings.guardUnrouted(lib)  // training: a torch function without a gradient refuses tensors that require grad (last)
        lib.onClose { [unowned lib] in forget(lib) }
    }

    /// What the bindings keep outside the library, let go when it closes (the fuzzer's library per
    /// input): the library the autograd objects call back into, the views of script optimizer
    /// classes, and the identifiers of the functions with a gradient (read while a library is set
    /// up; once its functions are freed, a later library's could reuse them). (A module's own
    /// state lives on the module: ModuleState.)
    static func forget(_ lib: Library) {
        if VariableObjects.library === lib { VariableObjects.library = nil }
        ScriptOptimizer.forgetAll()
        AutogradBindings.withGradient = []
    }
}
