#!/usr/bin/env python3
# Offline fusion study on the lists dumped by `StarStudio.Bench -- eval --dump lists.jsonl` (docs/evaluation.md).
# Usage: python3 fusion_study.py lists.jsonl   (reads lists.jsonl.chunks.jsonl too)
# fuse(): relative-score fusion as ScoreFusion.Fuse does it (reproduces the product's 0.716); rank3(): coverage fusion
# as ScoreFusion.FuseByCoverage + CoverageScoring do it (reproduces 0.771). Written for issue 10's second round.
import json, sys, collections
def load(path):
    return [json.loads(l) for l in open(path)]
def metrics(qs, ranked_fn, k=5):
    # ranked_fn(q) -> list of passages (dicts with hits) best first
    cells = collections.defaultdict(list)
    for q in qs:
        ranked = ranked_fn(q)
        ng = len(q['gold'])
        found = [False]*ng
        for p in ranked[:k]:
            for i,h in enumerate(p['hits']):
                if h: found[i]=True
        r = sum(found)/ng
        cells['all'].append(r)
        cells[q['kind'][0].upper().replace('C','X')+'-'+q['lang']].append(r)
    return {c: sum(v)/len(v) for c,v in cells.items()}
ORDER=['all','L-zh','L-en','P-zh','P-en','X-zh','X-en','M-zh','M-en']
def fmt(name, m):
    return f"{name:40s}" + ''.join(f"{m.get(c,0):7.3f}" for c in ORDER)
def header():
    return f"{'':40s}" + ''.join(f"{c:>7s}" for c in ORDER)
def fuse(q, w, sem_abs=True, top=40, semw_other=None, combine='sum'):
    acc = {}
    pas = {}
    for name, hits in q['lists'].items():
        wt = w.get(name, 0)
        if name=='semantic' and q['language']!='en' and semw_other is not None: wt = semw_other
        if wt<=0 or not hits: continue
        hits = hits[:top]
        mx = max(h['score'] for h in hits)
        seen=set()
        for h in hits:
            if h['id'] in seen: continue
            seen.add(h['id'])
            s = h['score'] if (name=='semantic' and sem_abs) else (h['score']/mx if mx>0 else 0)
            s = max(0,min(1,s)) if name=='semantic' else max(0,s)
            acc.setdefault(h['id'], []).append(wt*s)
            pas[h['id']] = h
    if combine=='sum': sc = {i: sum(v) for i,v in acc.items()}
    else: sc = {i: max(v) for i,v in acc.items()}
    ids = sorted(sc, key=lambda i: -sc[i])
    return [pas[i] for i in ids]
def plang(p): return p['doc'][:2]
def qlang(q): return 'zh' if q['language']!='en' else 'en'
def two_rankings(q, wsame, wother, **kw):
    ql = qlang(q)
    r = fuse(q, wsame if ql=='en' else wsame, **kw)
    same = [p for p in fuse(q, wsame, **kw) if plang(p)==ql]
    other = [p for p in fuse(q, wother, **kw) if plang(p)!=ql]
    return same, other
def quota(same, other, a, k=5):
    out = same[:a] + other[:k-a]
    ids = {p['id'] for p in out}
    rest = [p for p in (same[a:]+other[k-a:]) if p['id'] not in ids]
    return out + rest
import json, re, math, collections
def cjk(ch): 
    o=ord(ch); return 0x4E00<=o<=0x9FFF or 0x3400<=o<=0x4DBF
def search_for(s):
    out=[]; run=''; word=''
    for ch in s+' ':
        if cjk(ch):
            if word: out.append(word.lower()); word=''
            run+=ch
        else:
            if run:
                out += [run[i:i+2] for i in range(len(run)-1)] if len(run)>1 else [run]
                run=''
            if ch.isalnum(): word+=ch
            elif word: out.append(word.lower()); word=''
    return ' '.join(out)
LEX=re.compile(r"'((?:[^']|'')*)':")
def load_chunks(path):
    ch={}
    for l in open(path):
        c=json.loads(l)
        ch[c['id']]=set(x.replace("''","'") for x in LEX.findall(c['tsv']))
    return ch
def concepts(q):
    own=[t for t in q['terms'] if t['origin']=='Question']
    cons=collections.OrderedDict()
    for t in own: cons[t['Text']]=[(t['Text'].split(),1.0,'Question')]
    for t in q['terms']:
        if t['origin']=='Question': continue
        key = search_for(t['From']) if t['From'] else t['Text']
        cons.setdefault(key, []).append((t['Text'].split(), t['Weight'], t['origin']))
    return cons
def pool_ids(q, top=40):
    ids=collections.OrderedDict()
    for name,hits in q['lists'].items():
        for h in hits[:top]: ids[h['id']]=h
    return ids
import sys
qs=load(sys.argv[1]); CH=load_chunks(sys.argv[1]+'.chunks.jsonl')
NSTAR=len(CH)
dfstar=collections.Counter()
for lx in CH.values():
    for x in lx: dfstar[x]+=1
def score_cov(q, wmap, idfmode='pool', top=40, langsplit=False):
    cons=concepts(q); pool=pool_ids(q, top)
    N=len(pool)
    res={}
    matches={}
    for pid in pool:
        lx=CH.get(pid, set())
        m={}
        for key,alts in cons.items():
            best=0
            for toks,w,origin in alts:
                if toks and all(t in lx for t in toks):
                    best=max(best, wmap.get(origin,w) if origin!='Question' else 1.0)
            if best>0: m[key]=best
        matches[pid]=m
    df=collections.Counter()
    for m in matches.values():
        for k in m: df[k]+=1
    idf={}
    for key,alts in cons.items():
        if idfmode=='pool':
            d=df[key]; n=N
        else:
            # star df: approx using the own term alternative or any
            n=NSTAR; d=sum(1 for lx in CH.values() if any(toks and all(t in lx for t in toks) for toks,w,o in alts))
        if d==0: continue
        idf[key]=math.log(1+(n-d+0.5)/(d+0.5))
    tot=sum(idf.values()) or 1
    for pid,m in matches.items():
        res[pid]=sum(idf[k]*w for k,w in m.items() if k in idf)/tot
    return res, pool
def rank_by(q, wmap, a=1.0, sem=0.0, vec=0.0, text=0.0, idfmode='pool', semother=None):
    cov,pool=score_cov(q,wmap,idfmode)
    sc={}
    semw = sem if (q['language']=='en' or semother is None) else semother
    lists=q['lists']
    def scaled(name):
        h=lists[name][:40]
        if not h: return {}
        mx=max(x['score'] for x in h)
        return {x['id']: (x['score']/mx if mx>0 else 0) for x in h}
    vs=scaled('vector'); ts=scaled('text')
    ss={x['id']:max(0,min(1,x['score'])) for x in lists['semantic'][:40]}
    for pid in pool:
        sc[pid]=a*cov.get(pid,0)+semw*ss.get(pid,0)+vec*vs.get(pid,0)+text*ts.get(pid,0)
    ids=sorted(sc,key=lambda i:-sc[i])
    return [pool[i] for i in ids]
import itertools
cache={}
def covs(q, wm):
    k=(q['id'],tuple(sorted(wm.items())))
    if k not in cache: cache[k]=score_cov(q,wm,'pool')
    return cache[k]
def rank2(q, wm, a=1.0, sem=0.0, tau=0.0, vec=0.0, text=0.0, semz=None):
    cov,pool=covs(q,wm)
    lists=q['lists']
    def scaled(name):
        h=lists[name][:40]
        if not h: return {}
        mx=max(x['score'] for x in h)
        return {x['id']: (x['score']/mx if mx>0 else 0) for x in h}
    vs=scaled('vector'); ts=scaled('text')
    ss={x['id']:max(0,x['score']-tau)/(1-tau) for x in lists['semantic'][:40]}
    sw = sem if (q['language']=='en' or semz is None) else semz
    sc={pid: a*cov.get(pid,0)+sw*ss.get(pid,0)+vec*vs.get(pid,0)+text*ts.get(pid,0) for pid in pool}
    ids=sorted(sc,key=lambda i:-sc[i])
    return [pool[i] for i in ids]
def rank3(q, wm, sem=0.5, tau=0.3, vec=0.1, lex=0.1):
    cov,pool=covs(q,wm)
    lists=q['lists']
    def scaled(name):
        h=lists[name][:40]
        if not h: return {}
        mx=max(x['score'] for x in h)
        return {x['id']: (x['score']/mx if mx>0 else 0) for x in h}
    vs=scaled('vector'); ts=scaled('text'); es=scaled('expansion'); trs=scaled('translation')
    ss={x['id']:max(0,x['score']-tau)/(1-tau) for x in lists['semantic'][:40]}
    sc={pid: cov.get(pid,0)+sem*ss.get(pid,0)+vec*vs.get(pid,0)+lex*max(ts.get(pid,0), 0.5*es.get(pid,0), trs.get(pid,0)) for pid in pool}
    ids=sorted(sc,key=lambda i:-sc[i])
    return [pool[i] for i in ids]

if __name__ == '__main__':
    print(header())
    base = dict(vector=0.25, text=1, expansion=0.5, translation=1, semantic=1)
    print(fmt('relative score (previous default)', metrics(qs, lambda q: fuse(q, base))))
    wm = dict(Inflection=1, Synonym=0.5, Translation=1)
    print(fmt('coverage chosen (s1 >0.2, v0.1, lex0.2)', metrics(qs, lambda q: rank3(q, wm, 1, 0.2, 0.1, 0.2))))
