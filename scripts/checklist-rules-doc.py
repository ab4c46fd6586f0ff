#!/usr/bin/env python3
"""Writes docs/checklist-rules.ja.md from assets/checklist/rules.toml (Python 3.11+, no deps).

Run after changing the rules; a core test checks the page matches the rules file.
"""
import pathlib
import tomllib

root = pathlib.Path(__file__).resolve().parent.parent
rules = tomllib.loads((root / "assets/checklist/rules.toml").read_text(encoding="utf-8"))
items = {i["id"]: i for i in rules["items"]}
facts = {f["id"]: f["question"] for f in rules["facts"]}
procedure = {"card_issue": "カード交付", "card_reissue": "カード再交付", "details_change": "記載事項変更",
             "certificate_issue": "電子証明書の発行", "certificate_renewal": "電子証明書の更新"}
who = {"self": "本人", "legal_representative": "法定代理人", "proxy": "任意代理人"}

out = ["# 必要書類の確認ルール（窓口 Madoguchi）", "",
       "このページは、窓口アプリが電話の聞き取りと窓口の書類確認に使うルールを、市の担当者が確認できるように一覧にしたものです。"
       "アプリは `assets/checklist/rules.toml` をそのまま使います（このページは `scripts/checklist-rules-doc.py` で生成し、一致をテストで確認しています）。", "",
       f"- ルールの版：`{rules['version']}`",
       "- 市の上書き：データフォルダに `checklist-rules.toml`（同じ形式）を置くと、再ビルドなしで次の解錠からそちらが使われます。"
       "書式に誤りがあるとファイル名と行番号を記録し、直前の正しいルールを使い続けます。",
       "- 暗証番号は、聞かない・入力しない・保存しない・表示しない。封をした暗証番号設定依頼書は開封せずに市の職員へ渡し、アプリには「ある／ない」だけを記録します。", "",
       "## 本人確認書類の区分", "", "| 区分 | 書類 | 写真 |", "|---|---|---|"]
out += [f"| {d['class']} | {d['name']} | {'あり' if d['photo'] else 'なし'} |" for d in rules["documents"]]
out += ["", "有効期限切れの書類は数えません。", "", "## はじめに確認すること（電話の聞き取りの最初の質問）", ""]
out += [f"- {f['question']}（`{f['id']}`）" for f in rules["facts"]]
out += ["", "## 手続き・来庁者ごとの必要なもの", ""]
for req in rules["requirements"]:
    out += [f"### {procedure[req['procedure']]} ／ {who[req['applicant_type']]}", ""]
    for iid in req["items"]:
        it = items[iid]
        cond = ""
        if it.get("when"):
            cond = f"（「{facts[it['when']]}」が「はい」のとき）"
        if it.get("unless"):
            cond = f"（「{facts[it['unless']]}」が「いいえ」のとき）"
        out.append(f"- **{it['label']}**{cond}：{it['explain']}")
    out.append("")
out += ["## 出典", ""] + [f"- `{k}`：{v}" for k, v in rules["sources"].items()]
out += ["", "各項目の出典：", "", "| 項目 | 出典 |", "|---|---|"]
out += [f"| {it['label']} | `{it['source']}` |" for it in rules["items"]]
(root / "docs/checklist-rules.ja.md").write_text("\n".join(out) + "\n", encoding="utf-8")
