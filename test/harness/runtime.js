// jest's module runtime with V8's code cache. Each test file gets a fresh module registry (Pulumi's runtime is
// module state), so every file loads @pulumi/pulumi, the providers and the components again, and jest
// compiles each module from source each time. This runtime keeps, per worker, the compiled code of each
// module source and hands it to V8 on the next compile of the same source: the same code runs, without
// re-parsing it. A cache V8 rejects (another V8, other flags) is simply compiled afresh.
"use strict";
const vm = require("vm");
const Runtime = require("jest-runtime").default;

/** filename -> the transformed source, and V8's code for it once it has run (lazily compiled functions too). */
const compiled = new Map();

class CachingRuntime extends Runtime {
    constructor(...args) {
        super(...args);
        const executor = this.executor;
        const compile = executor.compile.bind(executor);
        const params = executor.injectedModuleParameters.join(", ");
        executor.compile = (source, filename) => {
            const vmContext = executor.environment.getVmContext();
            // Code from V8's cache loses the dynamic-import callback: such modules are compiled by jest.
            if (vmContext == null || executor.resolution.isCoreModule(filename) || source.includes("import(")) {
                return compile(source, filename);
            }
            let entry = compiled.get(filename);
            if (entry && entry.source !== source) {
                entry = undefined;
            }
            if (entry && !entry.data && entry.script) {
                // The first copy has run by now: its code includes the functions compiled since.
                entry.data = entry.script.createCachedData();
                entry.script = undefined;
            }
            let script;
            try {
                // The wrapper shares the source's first line, so line numbers are the file's own.
                script = new vm.Script(`(function (${params}) {${source}\n})`, {
                    filename,
                    importModuleDynamically: (specifier, _script, importAttributes, ...rest) =>
                        executor.dynamicImport(specifier, filename, vmContext, importAttributes, rest[0]),
                    ...(entry?.data ? { cachedData: entry.data } : {}),
                });
            } catch {
                // jest's own compile reports syntax errors its way.
                return compile(source, filename);
            }
            if (!entry || script.cachedDataRejected) {
                compiled.set(filename, { source, script });
            }
            return script.runInContext(vmContext);
        };
    }
}

module.exports = CachingRuntime;
