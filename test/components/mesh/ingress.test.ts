import { Gateway } from "@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway";
import type { ProgramRun } from "../../../tools/lib/program";
import { isSecretValue, named, plain } from "../../harness/program";
import { CR, RELEASE, Obj, runMesh, spec, meta, evidenceOf } from "./fixture";

describe("Mesh ingress without a domain (dev: AUTH-CERT, MESH-MTLS-CIPHERS)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runMesh("dev");
    });

    it("serves the ALB → gateway hop over TLS 1.3 with a self-signed origin certificate in a kubernetes.io/tls Secret", () => {
        const gw = named(run, CR("networking.istio.io/v1", "Gateway"), "mas-ingress-gateway-tls");
        expect(spec(gw).servers).toEqual([
            {
                port: { number: 443, name: "https", protocol: "HTTPS" },
                hosts: ["*"],
                tls: { mode: "SIMPLE", credentialName: "ingress-tls", minProtocolVersion: "TLSV1_3" },
            },
        ]);
        const secret = named(run, "kubernetes:core/v1:Secret", "mas-ingress-origin-tls");
        expect(secret.inputs.type).toBe("kubernetes.io/tls");
        expect(meta(secret)).toEqual(expect.objectContaining({ name: "ingress-tls", namespace: "istio-ingress" }));
        expect(isSecretValue(secret.inputs.stringData)).toBe(true);
        expect(Object.keys(plain<Obj>(secret.inputs.stringData)).sort()).toEqual(["tls.crt", "tls.key"]);
        const cert = named(run, "tls:index/selfSignedCert:SelfSignedCert", "mas-ingress-origin");
        // 90 days (the guide's certificate rotation), renewed by any `pulumi up` in the last 30.
        expect(cert.inputs.validityPeriodHours).toBe(2160);
        expect(cert.inputs.earlyRenewalHours).toBe(720);
        expect(cert.inputs.isCaCertificate).toBeFalsy();
        // No ingress Certificate: the only one is the mesh CA's.
        expect(
            run.resources.filter((r) => r.type === CR("cert-manager.io/v1", "Certificate")).map((r) => r.name),
        ).toEqual(["mas-istio-ca"]);
    });
});

describe("Mesh component with a domain and hosted zone (CERT-LETSENCRYPT, CERT-MANAGER)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runMesh(
            "dev",
            {
                domainName: "agents.example.com",
                hostedZoneId: "Z0123456789ABCDEFGHIJ",
                alertEmails: ["security@mas-agents.io"],
            },
            { permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/mas-dev-boundary" },
        );
    });

    it("creates a Let's Encrypt ClusterIssuer solving DNS-01 in the hosted zone", () => {
        const issuer = named(run, CR("cert-manager.io/v1", "ClusterIssuer"), "mas-letsencrypt");
        expect(meta(issuer)).toEqual({ name: "letsencrypt" });
        expect(spec(issuer)).toEqual({
            acme: {
                server: "https://acme-v02.api.letsencrypt.org/directory",
                email: "security@mas-agents.io",
                privateKeySecretRef: { name: "letsencrypt-account-key" },
                solvers: [
                    {
                        selector: { dnsZones: ["agents.example.com"] },
                        dns01: { route53: { region: "eu-west-1", hostedZoneID: "Z0123456789ABCDEFGHIJ" } },
                    },
                ],
            },
        });
        expect(issuer.dependencies).toContain(named(run, RELEASE, "mas-cert-manager").urn);
    });

    it("issues the ingress gateway's certificate into istio-ingress and serves it with TLS 1.3", () => {
        const cert = named(run, CR("cert-manager.io/v1", "Certificate"), "mas-ingress-certificate");
        expect(meta(cert)).toEqual({ name: "ingress-tls", namespace: "istio-ingress" });
        expect(spec(cert)).toEqual({
            secretName: "ingress-tls",
            dnsNames: ["agents.example.com"],
            issuerRef: { name: "letsencrypt", kind: "ClusterIssuer", group: "cert-manager.io" },
            privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        });
        const gw = named(run, CR("networking.istio.io/v1", "Gateway"), "mas-ingress-gateway-tls");
        expect(spec(gw)).toEqual({
            selector: { istio: "ingressgateway" },
            servers: [
                {
                    port: { number: 443, name: "https", protocol: "HTTPS" },
                    // The ALB sends no SNI: a named host would make Envoy reject every connection.
                    hosts: ["*"],
                    tls: { mode: "SIMPLE", credentialName: "ingress-tls", minProtocolVersion: "TLSV1_3" },
                },
            ],
        });
        expect(() => new Gateway({ metadata: meta(gw), spec: spec(gw) } as never).validate()).not.toThrow();
    });

    it("gives cert-manager a Pod Identity role trusted by pods.eks.amazonaws.com, with the boundary", () => {
        const role = named(run, "aws:iam/role:Role", "mas-cert-manager");
        expect(role.inputs.name).toBe("mas-dev-cert-manager");
        expect(role.inputs.permissionsBoundary).toBe("arn:aws:iam::123456789012:policy/mas-dev-boundary");
        expect(JSON.parse(role.inputs.assumeRolePolicy as string)).toEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "pods.eks.amazonaws.com" },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                    Condition: {
                        StringEquals: {
                            "aws:SourceAccount": "123456789012",
                            "aws:RequestTag/eks-cluster-name": "mas-dev-eks",
                            "aws:RequestTag/kubernetes-namespace": "cert-manager",
                            "aws:RequestTag/kubernetes-service-account": "cert-manager",
                        },
                    },
                },
            ],
        });
        const assoc = named(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "mas-cert-manager");
        expect(assoc.inputs).toMatchObject({
            clusterName: "mas-dev-eks",
            namespace: "cert-manager",
            serviceAccount: "cert-manager",
            roleArn: "arn:aws:iam::123456789012:role/mas-dev-cert-manager",
        });
        // EKS injects Pod Identity credentials only into pods created after the association exists.
        expect(named(run, RELEASE, "mas-cert-manager").dependencies).toContain(assoc.urn);
    });

    it("limits Route 53 changes to _acme-challenge TXT records in the one hosted zone", () => {
        const policy = JSON.parse(
            named(run, "aws:iam/rolePolicy:RolePolicy", "mas-cert-manager-route53").inputs.policy as string,
        );
        expect(policy.Statement).toEqual([
            {
                Sid: "ChallengeRecords",
                Effect: "Allow",
                Action: "route53:ChangeResourceRecordSets",
                Resource: "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ",
                Condition: {
                    "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"] },
                    "ForAllValues:StringLike": {
                        "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_acme-challenge.agents.example.com"],
                    },
                },
            },
            {
                Sid: "ReadChallengeRecords",
                Effect: "Allow",
                Action: "route53:ListResourceRecordSets",
                Resource: "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ",
            },
            {
                Sid: "ChangeStatus",
                Effect: "Allow",
                Action: "route53:GetChange",
                Resource: "arn:aws:route53:::change/*",
            },
        ]);
    });

    it("creates no TargetGroupBinding: the ALB reaches the gateway through its node ports", () => {
        expect(run.resources.filter((r) => r.type.includes("elbv2.k8s.aws"))).toEqual([]);
    });

    it("records issuer, certificate, gateway, role and association as evidence", () => {
        expect(evidenceOf(run, "CERT-LETSENCRYPT")).toEqual([
            RELEASE,
            CR("cert-manager.io/v1", "ClusterIssuer"),
            CR("cert-manager.io/v1", "Certificate"),
            CR("networking.istio.io/v1", "Gateway"),
        ]);
        expect(evidenceOf(run, "CERT-MANAGER")).toEqual([
            RELEASE,
            "aws:iam/role:Role",
            "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        ]);
    });
});
