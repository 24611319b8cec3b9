import json,sys,copy,subprocess
d=json.load(open('/tmp/iam-prod.json'))
def find(rs,t,n):
  return next(r for r in rs if r['type']==t and r['urn'].endswith('::'+n))
def add(r,st):
  for k in ('inputs','outputs'):
    doc=json.loads(r[k]['policy']); doc['Statement']=[*([doc['Statement']] if isinstance(doc['Statement'],dict) else doc['Statement']),st]; r[k]['policy']=json.dumps(doc)
def m1(rs):
  a=find(rs,'aws:iam/rolePolicyAttachment:RolePolicyAttachment','mas-agent-planner')
  a['inputs']['policyArn']=a['outputs']['policyArn']='arn:aws:iam::aws:policy/AdministratorAccess'
def m2(rs): add(find(rs,'aws:iam/policy:Policy','mas-system-admin'),{"Effect":"Allow","Action":"s3:*","Resource":"*"})
def m3(rs): add(find(rs,'aws:iam/policy:Policy','mas-operator'),{"Effect":"Allow","NotAction":"iam:*","Resource":"*"})
def m4(rs): add(find(rs,'aws:iam/policy:Policy','mas-permissions-boundary'),{"Effect":"Allow","Action":"*","Resource":"*"})
def m5(rs): add(find(rs,'aws:kms/key:Key','mas-keys-logs'),{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"})
def m6(rs):
  p=find(rs,'aws:s3/bucketPolicy:BucketPolicy','mas-stores-metrics-data')
  for k in ('inputs','outputs'):
    doc=json.loads(p[k]['policy'])
    s=next(x for x in doc['Statement'] if x['Sid']=='MetricsDataWriteOnlyMonitoringAgent')
    v=s['Condition']['ArnNotLike']['aws:PrincipalArn']; s['Condition']['ArnNotLike']['aws:PrincipalArn']=(v if isinstance(v,list) else [v])+['arn:aws:iam::*:role/*']
    p[k]['policy']=json.dumps(doc)
def m7(rs): add(find(rs,'aws:iam/policy:Policy','mas-monitoring-agent'),{"Effect":"Allow","Action":"s3:*","Resource":"*"})
def m8(rs): add(find(rs,'aws:kms/key:Key','mas-keys-critical'),{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:Decrypt","Resource":"*"})
for f in sys.argv[1:]:
  dd=copy.deepcopy(d); globals()[f](dd['deployment']['resources'])
  json.dump(dd,open(f'/tmp/mut-{f}.json','w'))
  subprocess.run(['npx','tsx','tools/audit.ts','--state',f'/tmp/mut-{f}.json','--stack','prod','--out',f'/tmp/mut-{f}.report.json'],capture_output=True)
  rep=json.load(open(f'/tmp/mut-{f}.report.json'))
  print('==',f); [print('  ',v['control'],v['message'][:260]) for v in rep['violations']]
