// The bare-SDK floor for `npm run bench`: @pulumi/pulumi alone (started like the commands), under mocks
// that echo inputs, registers the custom resources of a plan file (same types, names and inputs, flat under
// the stack) and waits for every registration. Prints `{resources, ms}`; ms is measured by the caller as
// process wall time, so node start and SDK loading count as they do for `plan`.
"use strict";
const fs = require("fs");
const pulumi = require("@pulumi/pulumi");

const SIG = "4dabf18193072939515e22adb298388d";
/** State values back to plain program inputs (secrets unwrapped: their wire form is the SDK's business). */
function plain(v) {
    if (Array.isArray(v)) return v.map(plain);
    if (v && typeof v === "object") {
        if (SIG in v) return "plaintext" in v ? JSON.parse(v.plaintext) : "value" in v ? plain(v.value) : "";
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    }
    return v;
}

async function main() {
    const doc = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
    const resources = doc.deployment.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    await pulumi.runtime.setMocks(
        {
            newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }),
            call: (a) => a.inputs,
        },
        "floor",
        "floor",
        false,
    );
    let count = 0;
    await pulumi.runtime.runInPulumiStack(async () => {
        for (const r of resources) {
            const name = r.urn.split("::").slice(3).join("::");
            new pulumi.CustomResource(r.type, name, plain(r.inputs));
            count++;
        }
        return {};
    });
    await pulumi.runtime.disconnect();
    process.stdout.write(JSON.stringify({ resources: count + 1 }) + "\n");
}
main().catch((e) => {
    process.stderr.write(String(e && e.stack ? e.stack : e) + "\n");
    process.exitCode = 1;
});
