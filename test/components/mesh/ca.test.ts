import { Secret } from "kubernetes-models/v1/Secret";
import type { ProgramRun } from "../../../tools/lib/program";
import { isSecretValue, named, ofType, plain } from "../../harness/program";
import { CR, RELEASE, SECRET, LSC, SSC, KEY, Obj, runMesh, spec, meta, values, evidenceOf } from "./fixture";

describe("Mesh component (dev: coordinator + task-executor)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runMesh("dev");
    });

    describe("MESH-MTLS-CA internal CA", () => {
        it("has an ECDSA P256 root, self-signed CA, 10 years, never early-renewed", () => {
            const keys = ofType(run, KEY);
            // The CA's two keys, plus the ingress origin certificate's key (dev has no public domain).
            expect(keys.map((k) => k.name).sort()).toEqual([
                "mas-ca-issuing-key",
                "mas-ca-root-key",
                "mas-ingress-origin",
            ]);
            for (const k of keys) {
                expect(k.inputs).toMatchObject({ algorithm: "ECDSA", ecdsaCurve: "P256" });
            }
            const root = named(run, SSC, "mas-ca-root");
            expect(root.inputs).toMatchObject({
                isCaCertificate: true,
                validityPeriodHours: 87600,
                earlyRenewalHours: 0,
                allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
            });
        });

        it("signs the issuing CA with the root; it may sign one level of CAs (the rotating intermediate)", () => {
            const issuing = named(run, LSC, "mas-ca-issuing");
            const rootKey = named(run, KEY, "mas-ca-root-key");
            expect(issuing.inputs).toMatchObject({
                isCaCertificate: true,
                maxPathLength: 1,
                validityPeriodHours: 2 * 365 * 24,
                earlyRenewalHours: 365 * 24,
            });
            expect(plain(issuing.inputs.caPrivateKeyPem)).toBe(plain(rootKey.outputs.privateKeyPem));
            expect(plain(issuing.inputs.caCertPem)).toBe(named(run, SSC, "mas-ca-root").outputs.certPem);
        });

        it("gives cert-manager the issuing CA (tls.crt, tls.key, ca.crt = root, as a secret) behind a namespaced CA Issuer", () => {
            const secret = named(run, SECRET, "mas-issuing-ca");
            expect(meta(secret)).toEqual({ name: "mesh-issuing-ca", namespace: "istio-system" });
            expect(secret.inputs.type).toBe("kubernetes.io/tls");
            expect(isSecretValue(secret.inputs.stringData)).toBe(true);
            const data = plain<Record<string, string>>(secret.inputs.stringData);
            expect(data["tls.crt"]).toBe(named(run, LSC, "mas-ca-issuing").outputs.certPem);
            expect(data["ca.crt"]).toBe(named(run, SSC, "mas-ca-root").outputs.certPem);
            expect(data["tls.key"]).toBe(plain(named(run, KEY, "mas-ca-issuing-key").outputs.privateKeyPem));
            expect(() => new Secret(plain(secret.inputs)).validate()).not.toThrow();
            const issuer = named(run, CR("cert-manager.io/v1", "Issuer"), "mas-mesh-ca-issuer");
            expect(meta(issuer)).toEqual({ name: "mesh-ca", namespace: "istio-system" });
            expect(spec(issuer)).toEqual({ ca: { secretName: "mesh-issuing-ca" } });
            expect(issuer.dependencies).toContain(named(run, RELEASE, "mas-cert-manager").urn);
        });

        it("no root key and no cacerts Secret in Pulumi's Kubernetes objects: cert-manager writes cacerts", () => {
            const secrets = ofType(run, SECRET).map((r) => meta(r).name);
            expect(secrets).not.toContain("cacerts");
            const all = JSON.stringify(ofType(run, SECRET).map((r) => plain(r.inputs)));
            expect(all).not.toContain(plain<string>(named(run, KEY, "mas-ca-root-key").outputs.privateKeyPem));
        });

        it("exports only the certificates in plain form", () => {
            expect(run.stackOutputs.root).toMatch(/^-----BEGIN CERTIFICATE-----/);
            expect(run.stackOutputs.issuing).toMatch(/^-----BEGIN CERTIFICATE-----/);
            expect(isSecretValue(run.stackOutputs.root)).toBe(false);
            const ca = run.resources.find((r) => r.type === "mas:mesh:MeshCa");
            expect(JSON.stringify(ca?.outputs ?? {})).not.toContain("PRIVATE KEY");
        });

        it("istiod starts only after cert-manager has issued cacerts (Certificate awaited until Ready) and the CRDs exist", () => {
            const istiod = named(run, RELEASE, "mas-istiod");
            const cert = named(run, CR("cert-manager.io/v1", "Certificate"), "mas-istio-ca");
            expect((meta(cert).annotations as Obj)["pulumi.com/waitFor"]).toBe("condition=Ready");
            expect(istiod.dependencies).toEqual(
                expect.arrayContaining([cert.urn, named(run, RELEASE, "mas-istio-base").urn]),
            );
        });

        it("records its evidence", () => {
            expect(evidenceOf(run, "MESH-MTLS-CA")).toEqual([
                SSC,
                LSC,
                SECRET,
                CR("cert-manager.io/v1", "Issuer"),
                CR("cert-manager.io/v1", "Certificate"),
            ]);
        });
    });

    describe("MESH-MTLS-ROTATION", () => {
        it("cert-manager re-issues the intermediate: 720 h life, renewed 240 h before expiry, a new ECDSA key each time", () => {
            const cert = named(run, CR("cert-manager.io/v1", "Certificate"), "mas-istio-ca");
            expect(meta(cert)).toMatchObject({ name: "istio-ca", namespace: "istio-system" });
            expect(spec(cert)).toEqual({
                secretName: "cacerts",
                isCA: true,
                commonName: "mas-dev mesh intermediate CA",
                subject: { organizations: ["mas-dev"] },
                duration: "720h",
                renewBefore: "240h",
                privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
                usages: ["cert sign", "crl sign", "digital signature"],
                issuerRef: { name: "mesh-ca", kind: "Issuer", group: "cert-manager.io" },
            });
            // Rotation period vs the guide's 30 days: a new intermediate (and key) every 720 - 240 = 480 h (20 days),
            // and none lives past 30 days even if one renewal attempt fails for up to 10 days.
            expect(720 - 240).toBeLessThanOrEqual(30 * 24);
        });

        it("the issuing CA's key changes once per renewal window (a new key with every replaced certificate)", () => {
            const { issuingKeyGeneration } =
                require("../../../components/mesh") as typeof import("../../../components/mesh");
            const year = 365 * 24 * 3_600_000;
            expect(issuingKeyGeneration(0)).toBe(0);
            expect(issuingKeyGeneration(year - 1)).toBe(0);
            expect(issuingKeyGeneration(year)).toBe(1);
        });

        it("workload certificates live 24 h by default, capped by istiod (top-level env: the 1.30 chart ignores pilot.env)", () => {
            const v = values(named(run, RELEASE, "mas-istiod"));
            expect(v.env).toEqual({ DEFAULT_WORKLOAD_CERT_TTL: "24h", MAX_WORKLOAD_CERT_TTL: "24h" });
            expect(v.cni).toEqual({ enabled: true });
            expect(v.pilot).toBeUndefined();
            expect((v.meshConfig as Obj).defaultConfig).toEqual({ proxyMetadata: { SECRET_TTL: "24h" } });
        });

        it("takes the workload certificate TTL from config", async () => {
            const other = await runMesh("dev", { workloadCertTtlHours: 12 });
            const v = values(named(other, RELEASE, "mas-istiod"));
            expect(v.env).toEqual({ DEFAULT_WORKLOAD_CERT_TTL: "12h", MAX_WORKLOAD_CERT_TTL: "12h" });
        });

        it("dev runs one istiod replica (the chart then creates no PodDisruptionBudget)", () => {
            const v = values(named(run, RELEASE, "mas-istiod"));
            expect([v.replicaCount, v.autoscaleMin]).toEqual([1, 1]);
        });
    });
});
