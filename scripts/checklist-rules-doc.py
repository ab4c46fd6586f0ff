#!/usr/bin/env python3
"""Writes docs/checklist-rules.ja.md from assets/checklist/rules.toml (Python 3.11+, no deps).

Run after changing the rules; a core test checks the page matches the rules file. Every rule
is listed with its source and the dates it applies between.
"""
import datetime
import pathlib
import tomllib

root = pathlib.Path(__file__).resolve().parent.parent
rules = tomllib.loads((root / "assets/checklist/rules.toml").read_text(encoding="utf-8"))
items = {i["id"]: i for i in rules["items"]}
procedure = {"card_issue": "カード交付", "card_reissue": "カード再交付", "details_change": "記載事項変更",
             "certificate_issue": "電子証明書の発行", "certificate_renewal": "電子証明書の更新",
             "application_support": "申請サポート（顔写真の撮影・申請書の記入支援）"}
who = {"self": "本人", "legal_representative": "法定代理人", "proxy": "任意代理人"}
kind = {"document": "持参", "identity": "本人確認書類", "sealed": "封をしたもの", "oral": "口頭確認",
        "return": "返納", "fee": "手数料", "notice": "ご案内", "refusal": "受付不可"}

# Fact ids and option ids → the words used in conditions.
answer = {}
for f in rules.get("facts", []):
    answer[f["id"]] = f["question"]
    for o in f.get("options", []):
        answer[o["id"]] = f"{f['question']} →「{o['label']}」"


def listed(v):
    return [v] if isinstance(v, str) else list(v or [])


def day(d):
    return d.isoformat() if isinstance(d, datetime.date) else str(d)


def dates(r):
    f, u = r.get("valid_from"), r.get("valid_until")
    if f and u:
        return f"{day(f)}から{day(u)}まで"
    if f:
        return f"{day(f)}から"
    if u:
        return f"{day(u)}まで"
    return ""


def conditions(r):
    parts = []
    when = listed(r.get("when"))
    if when:
        parts.append("「" + "」かつ「".join(answer[w] for w in when) + "」が「はい」のとき")
    any_ = listed(r.get("when_any"))
    if any_:
        parts.append("「" + "」または「".join(answer[w] for w in any_) + "」が「はい」のとき")
    unless = listed(r.get("unless"))
    if unless:
        tail = "がどれも「いいえ」のとき" if len(unless) > 1 else "が「いいえ」のとき"
        parts.append("「" + "」「".join(answer[w] for w in unless) + "」" + tail)
    return "、".join(parts)


def combos(cs):
    out = []
    for c in cs:
        p = []
        if c.get("a"):
            p.append(f"A {c['a']}点")
        if c.get("b"):
            p.append(f"B {c['b']}点")
        s = "と".join(p)
        if c.get("photo"):
            s += f"（うち写真付き {c['photo']}点）"
        if c.get("path"):
            s += "（この場合は2回の来庁）"
        out.append(s)
    return "、または ".join(out)


out = ["# 必要書類の確認ルール（窓口 Madoguchi）", "",
       "このページは、窓口アプリが電話の聞き取りと窓口の書類確認に使うルールを、市の担当者が確認できるように一覧にしたものです。"
       "アプリは `assets/checklist/rules.toml` をそのまま使います（このページは `scripts/checklist-rules-doc.py` で生成し、一致をテストで確認しています）。", "",
       f"- ルールの版：`{rules['version']}`",
       "- 日付：各ルールには適用の始まり・終わり（どちらも当日を含む）があり、アプリは来庁日（予約日）に有効なルールで判定します。",
       "- 出典：各ルールに出典（ページ名・アドレス・確認した日）を付けています。国の一次資料（総務省の事務処理要領、J-LIS のページ、デジタル庁 FAQ）は確認できた範囲で、"
       "確認できなかったものは複数の市のページで代えています（出典の注記を参照）。",
       "- 市の上書き：データフォルダに `checklist-rules.toml`（同じ形式。以前の形式も読めます）を置くと、再ビルドなしで次の解錠からそちらが使われます。"
       "国の既定と異なる項目は「市のルール」と表示されます。書式に誤りがあるとファイル名と行番号を記録し、直前の正しいルールを使い続けます。",
       "- 暗証番号は、聞かない・入力しない・保存しない・表示しない。封をした回答書・暗証番号欄は開封せずに市の職員へ渡し、アプリには「ある／ない」だけを記録します。", "",
       "## 本人確認書類の区分", "", "| 区分 | 書類 | 写真 | 適用 | 出典 |", "|---|---|---|---|---|"]
for d in rules["documents"]:
    extra = "（ご本人の確認にだけ使える）" if d.get("holder_only") else ""
    out.append(f"| {d['class']} | {d['name']}{extra} | {'あり' if d['photo'] else 'なし'} | {dates(d) or '—'} | `{d.get('source', '')}` |")
out += ["", "有効期限切れの書類、適用期間外の書類は数えません。", "",
        "## はじめに確認すること（電話と窓口で、その手続きに関係するときだけ聞きます）", ""]
for f in rules.get("facts", []):
    scope = []
    if f.get("procedures"):
        scope.append("・".join(procedure[p] for p in f["procedures"]))
    if f.get("applicant_types"):
        scope.append("・".join(who[t] for t in f["applicant_types"]))
    if f.get("stage") == "counter":
        scope.append("窓口でのみ")
    line = f"- {f['question']}（`{f['id']}`）"
    if scope:
        line += "　対象：" + "／".join(scope)
    if dates(f):
        line += f"　適用：{dates(f)}"
    if conditions(f):
        line += f"　{conditions(f)}に聞く"
    line += f"　出典：`{f.get('source', '')}`"
    out.append(line)
    if f.get("explain"):
        out.append(f"  - {f['explain']}")
    for o in f.get("options", []):
        out.append(f"  - 選択肢：{o['label']}（`{o['id']}`）")
out += ["", "## 手続き・来庁者ごとの必要なもの", ""]
for req in rules["requirements"]:
    head = f"### {procedure[req['procedure']]} ／ {who[req['applicant_type']]}"
    if dates(req):
        head += f"（{dates(req)}）"
    out += [head, ""]
    for iid in req["items"]:
        it = items[iid]
        meta = [kind[it["kind"]]]
        if conditions(it):
            meta.append(conditions(it))
        if dates(it):
            meta.append(f"適用：{dates(it)}")
        meta.append(f"出典：`{it['source']}`")
        if it.get("owner"):
            meta.append(f"{it['owner']}のルール")
        out.append(f"- **{it['label']}**（{'、'.join(meta)}）：{it['explain']}")
        if it.get("combos"):
            out.append(f"  - 組合せ：{combos(it['combos'])}")
    paths = [p for p in rules.get("paths", [])
             if (not p.get("procedures") or req["procedure"] in p["procedures"])
             and (not p.get("applicant_types") or req["applicant_type"] in p["applicant_types"])]
    if paths:
        out += ["", "2回の来庁になる場合："]
        for p in paths:
            trig = []
            if p.get("when_missing"):
                trig.append(f"「{items[p['when_missing']]['label']}」がないとき")
            if p.get("by_documents"):
                trig.append("本人確認書類が「2回の来庁」の組合せのとき")
            if conditions(p):
                trig.append(conditions(p))
            meta = "、".join(trig + ([f"適用：{dates(p)}"] if dates(p) else []) + [f"出典：`{p['source']}`"])
            out.append(f"- {p['reason']}（{meta}）")
    out.append("")
out += ["## 電話で2回の来庁を伝えるとき", "",
        "予約の前に、次のようにお伝えします：「今回は書類のお預かりのみで、後日もう一度お越しいただきます。」（再交付は「今回は再交付の申請のみで、カードの受け取りに後日もう一度お越しいただきます。」）続けて理由を読み上げます。", ""]
out += ["## 出典", "", "| キー | 出典 | 確認した日 | 内容 |", "|---|---|---|---|"]
for k, v in rules["sources"].items():
    if isinstance(v, str):
        v = {"title": v}
    link = f"[{v['title']}]({v['url']})" if v.get("url") else v["title"]
    note = v.get("note", "")
    out.append(f"| `{k}` | {link} {v.get('url', '')} | {day(v['read']) if v.get('read') else '—'} | {note} |")
(root / "docs/checklist-rules.ja.md").write_text("\n".join(out) + "\n", encoding="utf-8")
