"""The twin rule's risk on alqac: the app's hybrid with and without it (index/twins.py), scored
against the qrels as given (they name the numbered copy, `91/2015/QH13@N`, `24/2018/QH14@N`) and
against the same qrels pointed at the unnumbered word-for-word twin (`Bộ luật dân sự@N`,
`Luật An ninh mạng@N`): what held-back queries judged on the other copy would see.

    python scripts/eval_twins_swap.py check     # or tune, all
"""
import sys
from pathlib import Path
from index.twins import twin_key
from vntext.normalize import normalize_text
from index.settings import RetrievalSettings
from vankien.evaluation.beir import load_beir
from vankien.evaluation.splits import load_split, restrict
from vankien.evaluation.encoders import EvalEncoder
from vankien.evaluation.app_systems import AppConfig, app_systems
from vankien.evaluation.runner import evaluate
from dataclasses import replace
ds=load_beir(Path('../shared/eval/alqac'))
part=sys.argv[1]
if part!='all': ds=restrict(ds, load_split('alqac').part(part))
byid={d.id:d for d in ds.corpus}
twin={'91/2015/QH13':'Bộ luật dân sự','24/2018/QH14':'Luật An ninh mạng'}
swapped={}; n=0
for q,rel in ds.qrels.items():
    new={}
    for d,s in rel.items():
        law,art=d.split('@')
        o=f"{twin.get(law,'')}@{art}"
        if o in byid and twin_key(normalize_text(byid[o].text))==twin_key(normalize_text(byid[d].text)): new[o]=s; n+=1
        else: new[d]=s
    swapped[q]=new
print('qrels swapped to the unnumbered twin:', n)
enc=EvalEncoder()
for tw in (False, True):
    for name,qr in (('qrels as given',ds.qrels),('qrels naming the unnumbered twin',swapped)):
        d2=replace(ds,qrels=qr)
        r=evaluate(d2, app_systems(enc, AppConfig(retrieval=RetrievalSettings(twins=tw)), ['hybrid']), enc)
        m=r.systems[0].metrics
        print(part, 'twins' if tw else 'no twins', name, f"nDCG@10 {m['nDCG@10']:.4f} R@1 {m['Recall@1']:.4f} R@10 {m['Recall@10']:.4f}", flush=True)
