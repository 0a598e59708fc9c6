import { defineRule } from '../rules/types.js';

export const artifactsFailed = defineRule({
  id: 'artifacts-failed',
  concern: 'artifacts',
  severity: 'breaking',
  title: 'Library build newly fails',
  message: 'Building {model} into a library ({target}) fails in the candidate: {error}',
  explain:
    'The baseline compiled this model and exported a library; the candidate cannot (relay.build / relax.build, export_library or the reference run raised). Nothing downstream of the build can be checked.',
  upgradeNote: 'Compiling {model} for {target} fails after the upgrade: {error}',
});

export const codegenNotInBuild = defineRule({
  id: 'codegen-not-in-build',
  concern: 'artifacts',
  severity: 'warning',
  title: 'Candidate build cannot compile for the target',
  message: 'The baseline built {model} for {target}; the candidate build cannot: {reason}',
  explain:
    "The candidate TVM has no code generator for a target the baseline compiled for (a wheel built without USE_VULKAN or USE_CUDA, or a flow tvm-compat cannot drive in that era). New libraries for the target cannot be built with it; whether the baseline's library still runs is checked separately.",
  upgradeNote: 'The new TVM build cannot compile {model} for {target} ({reason}): use a build with that codegen.',
});

export const libraryNoLongerLoads = defineRule({
  id: 'library-no-longer-loads',
  concern: 'artifacts',
  severity: 'breaking',
  title: 'Baseline library no longer loads',
  message: 'The {library} the baseline built for {model} does not load in the candidate runtime: {error}',
  explain:
    "A library compiled and shipped with the baseline TVM cannot be opened by the candidate's `tvm.runtime.load_module` (an exception, a crash or a hang, measured in a child process). Deployed artifacts must be rebuilt.",
  upgradeNote: 'Rebuild {model} ({target}) with the new TVM: libraries built by the old one do not load ({error}).',
});

export const libraryEntryPointMissing = defineRule({
  id: 'library-entry-point-missing',
  concern: 'artifacts',
  severity: 'breaking',
  title: 'Baseline library loads without its executable',
  message:
    'The {library} the baseline built for {model} loads in the candidate as a bare "{typeKey}" with no "{entryPoint}": it carries {blobSymbols}, the candidate runtime reads {runtimeReads}',
  explain:
    '`load_module` "succeeds" but the executable inside the library is silently dropped: the blob that holds it is exported under a symbol the candidate runtime does not look for (v0.19 `__tvm_dev_mblob`, v0.21 `__tvm_ffi_library_bin`, v0.22+ `__tvm_ffi__library_bin`), so the executor entry point (`default` for the graph executor, `vm_load_executable` for the Relax VM and for an exported Relay VM executable) is missing and the model cannot run.',
  upgradeNote: 'Rebuild {model} ({target}) with the new TVM: its old library loads but has no "{entryPoint}" entry point.',
});

export const libraryRunFails = defineRule({
  id: 'library-run-fails',
  concern: 'artifacts',
  severity: 'breaking',
  title: 'Baseline library no longer runs',
  message: 'The {library} the baseline built for {model} loads in the candidate but fails to run: {error}',
  explain:
    "The library loads and exposes its entry point, but creating the executor or running it on the baseline's reference inputs fails (an exception, a crash or a hang in the child process). This is the shape of `module.run()` failing after an upgrade.",
  upgradeNote: 'Rebuild {model} ({target}) with the new TVM: its old library fails at run time ({error}).',
});

export const libraryOutputsDiffer = defineRule({
  id: 'library-outputs-differ',
  concern: 'artifacts',
  severity: 'breaking',
  title: 'Baseline library computes different outputs',
  message: 'The {library} the baseline built for {model} runs in the candidate but its outputs differ (max abs {maxAbs}, max rel {maxRel})',
  explain:
    "The same compiled code, on the same seeded inputs, gives outputs outside the dtype's tolerance (float32: atol 1e-5 + rtol 1e-4; int8/uint8: 1) when the candidate's runtime runs it. Only reported for outputs that depend on the input (see `degenerate`).",
  upgradeNote: 'Validate {model} ({target}) after the upgrade: its old library computes different numbers (max abs {maxAbs}).',
});

export const libraryNeedsNewRuntime = defineRule({
  id: 'library-needs-new-runtime',
  concern: 'artifacts',
  severity: 'warning',
  title: "Candidate's library does not run on the baseline's runtime",
  message: "The {library} the candidate builds for {model} ({target}) cannot be used by the baseline's runtime: {detail}",
  explain:
    "The other direction of the compiler × runtime matrix: the candidate's library, loaded and run by the baseline's TVM (made again from the spec its baseline records) on the candidate's reference inputs. A device that keeps the old runtime while the compiler is upgraded cannot run the new libraries; runtime and compiler must be upgraded together. A warning: TVM does not promise forward compatibility, but a deployment that relies on it breaks.",
  upgradeNote: "Upgrade the TVM runtime on the devices together with the compiler: {model} ({target}) built by the new TVM does not run on the old runtime ({detail}).",
});

export const buildOutputsChanged = defineRule({
  id: 'build-outputs-changed',
  concern: 'artifacts',
  severity: 'warning',
  title: 'Compiled outputs changed',
  message: 'The candidate compiles {model} to a library whose outputs differ from the baseline-built one on the same inputs: {detail}',
  explain:
    "Each side builds the model and runs it on the same seeded inputs; the candidate's numbers (or output shapes) differ from the baseline's beyond the dtype's tolerance. A compiler change, a frontend change or a changed output layout; users comparing against stored results will see it.",
  upgradeNote: 'Check the outputs of {model} ({target}) after the upgrade: {detail}',
});

export const cAotNoLongerAvailable = defineRule({
  id: 'c-aot-no-longer-available',
  concern: 'artifacts',
  severity: 'breaking',
  title: 'C/AOT build no longer available',
  message: 'The baseline builds {model} for target c with the AOT executor and CRT; the candidate cannot: {reason}',
  explain:
    'microTVM-style deployment (target `c`, `Executor("aot")`, `Runtime("crt")`, generated C sources) worked with the baseline and is not available in the candidate build.',
  upgradeNote: 'The C/AOT flow for {model} is gone in the new TVM ({reason}); stay on the old one for microcontroller builds.',
});

export const modelLibraryFormatChanged = defineRule({
  id: 'model-library-format-changed',
  concern: 'artifacts',
  severity: 'warning',
  title: 'Model Library Format export changed',
  message: 'The Model Library Format export of {model} changed: {detail}',
  explain:
    'microTVM projects consume the Model Library Format tarball (`tvm.micro.export_model_library_format`): its metadata version, its top-level layout, or the export itself. A project template or build script written for the baseline\'s tarball may not read the candidate\'s.',
  upgradeNote: 'Model Library Format of {model}: {detail}; check the microTVM project that reads it.',
});

export const cSourcesNoLongerCompile = defineRule({
  id: 'c-sources-no-longer-compile',
  concern: 'artifacts',
  severity: 'breaking',
  title: 'Generated C no longer compiles',
  message: 'Generated C source "{subject}" of {model} compiled with the baseline and fails with the {side}: {error}',
  explain:
    "The C sources the AOT flow generates are compiled with the host gcc (`gcc -c`) against the headers TVM ships. A source that compiled with the baseline and fails against the candidate's headers (baseline sources) or as the candidate generates it (candidate sources) breaks firmware builds.",
  upgradeNote: 'Fix the C build of {model}: "{subject}" no longer compiles ({error}).',
});

export const ARTIFACT_RULES = [
  artifactsFailed,
  codegenNotInBuild,
  modelLibraryFormatChanged,
  libraryNoLongerLoads,
  libraryEntryPointMissing,
  libraryRunFails,
  libraryOutputsDiffer,
  libraryNeedsNewRuntime,
  buildOutputsChanged,
  cAotNoLongerAvailable,
  cSourcesNoLongerCompile,
] as const;
