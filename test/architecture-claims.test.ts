// README's architecture and the plan agree on the ALB → ingress gateway → agents path (issue 22, item 11): the
// guide's STRICT mesh rule names no outside caller, so the path ends at the gateway and README says so.
import * as fs from "fs";
import * as path from "path";
import { ofType, runStack } from "./harness/program";

const README = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");

describe("the ALB → gateway path in README and in the prod plan", () => {
    it("binds no VirtualService to the public Gateway and admits the gateway into no agent namespace", async () => {
        const run = await runStack("prod");
        expect(ofType(run, "kubernetes:networking.istio.io/v1:Gateway")).toHaveLength(1);
        expect(run.resources.filter((r) => r.type.endsWith(":VirtualService"))).toEqual([]);
        const text = JSON.stringify(
            [
                ...ofType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy"),
                ...ofType(run, "kubernetes:security.istio.io/v1:AuthorizationPolicy"),
            ].map((r) => r.inputs),
        );
        expect(text).not.toContain("istio-ingress");
    });

    it("README draws no route from the gateway into the mesh and says why", () => {
        const diagram = README.slice(
            README.indexOf("```mermaid"),
            README.indexOf("```", README.indexOf("```mermaid") + 3),
        );
        expect(diagram).toContain("ALB --> GW[Istio ingress gateway<br/>TLS 1.3, global rate limit; no route inward]");
        expect(diagram).not.toMatch(/GW\s*-+>/);
        expect(README).toContain("The ALB → ingress gateway path ends at the gateway");
    });
});
