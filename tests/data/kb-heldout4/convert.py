#!/usr/bin/env python3
# How tests/data/kb-heldout4/articles was made (run once by hand, not by the build):
#   apt-get download git-doc python3.11-doc && dpkg -x git-doc_*.deb x && dpkg -x python3.11-doc_*.deb x
#   python3 convert.py x/usr/share/doc/git-doc/gitfaq.txt x/usr/share/doc/python3.11/html/_sources/faq articles/
# One Markdown file per question, with front matter; the Python FAQ's general, programming and
# library parts only. Running this reproduces articles/ exactly.
import os, re, sys

STOP = set("a an the do does i my is are can how what why when where who to of with for in on "
	"and or not it you your from using use get me be by at this that there any doesn t s ve m "
	"should which".split())
NOTICE = {
	"git": "Altered version of gitfaq(7), Git 2.39.5, GPL-2 (see COPYING.GPL-2); changed 2026-11-29.",
	"python": "Altered version of the Python 3.11.2 FAQ; Copyright (c) 2001-2023 Python Software Foundation; All Rights Reserved (see COPYING.python).",
}

def slugify(prefix, title, used):
	words = [w for w in re.findall(r"[a-z0-9]+", title.lower()) if w not in STOP]
	slug = prefix + "-" + "-".join(words[:5])
	base, n = slug, 2
	while slug in used:
		slug = "%s-%d" % (base, n); n += 1
	used.add(slug)
	return slug

def write(outdir, slug, title, topics, body, product):
	with open(os.path.join(outdir, slug + ".md"), "w") as f:
		f.write("---\ntitle: %s\ntopics: %s\n---\n\n%s\n\n*%s*\n" % (title, topics, body.strip(), NOTICE[product]))

def paragraphs(lines):
	# blank-line separated blocks; a block keeps its lines
	out, block = [], []
	for l in lines:
		if l.strip():
			block.append(l.rstrip())
		elif block:
			out.append(block); block = []
	if block:
		out.append(block)
	return out

def prose(block):
	# a list stays one item a line (continuations joined), anything else is one paragraph
	if re.match(r"^\s*([*-]|\d+\.) ", block[0]):
		items = []
		for l in block:
			if re.match(r"^\s*([*-]|\d+\.) ", l):
				items.append(re.sub(r"^\s*[*-] ", "- ", l.strip()))
			else:
				items[-1] += " " + l.strip()
		return "\n".join(items)
	return " ".join(l.strip() for l in block)

# ---------------------------------------------------------------- gitfaq(7), AsciiDoc

def git_inline(t):
	t = re.sub(r"linkgit:([\w-]+)\[(\d)\]", r"\1(\2)", t)
	return t

def git(path, outdir, used):
	lines = open(path).read().split("\n")
	section, items, cur = None, [], None
	for i, l in enumerate(lines):
		nxt = lines[i + 1] if i + 1 < len(lines) else ""
		if re.match(r"^-{3,}$", nxt) and len(nxt) == len(l) and not l.startswith("-"):
			section = l.strip()
			cur = None
			continue
		m = re.match(r"^(.*\S)::$", l)
		if m and section not in (None, "NAME", "SYNOPSIS", "DESCRIPTION", "GIT"):
			cur = [section, m.group(1), []]
			items.append(cur)
			continue
		if cur is not None and not re.match(r"^\[\[.*\]\]$", l) and not (re.match(r"^-{3,}$", nxt) and len(nxt) == len(l)):
			cur[2].append(l)
	for section, title, body in items:
		title = re.sub(r"\s+", " ", title.replace("`", ""))
		out, code, buf = [], None, []
		def flush():
			for b in paragraphs(buf):
				out.append(git_inline(prose(b)))
			buf.clear()
		for l in body:
			if l == "----":
				if code is None:
					flush(); code = []
				else:
					out.append("```\n" + "\n".join(code) + "\n```"); code = None
			elif code is not None:
				code.append(l)
			elif l == "+":
				flush()
			else:
				buf.append(l)
		flush()
		slug = slugify("git", title, used)
		write(outdir, slug, title, "Git, " + section.lower(), "\n\n".join(out), "git")

# ---------------------------------------------------------------- Python FAQ, reStructuredText

def py_inline(t):
	t = re.sub(r"`([^`<]+?)\s*<(https?://[^>]+)>`__?", r"[\1](\2)", t)
	t = re.sub(r"(?<![`\w:])`([^`]+)`_", r"\1", t)
	t = re.sub(r":pep:`(\d+)`", r"PEP \1", t)
	t = re.sub(r":rfc:`(\d+)`", r"RFC \1", t)
	t = re.sub(r":[\w:]+:`~?([^`<]+?)\s*<[^>]+>`", r"\1", t)
	t = re.sub(r":[\w:]+:`~?!?([^`]+)`", r"`\1`", t)
	t = re.sub(r"``([^`]+)``", r"`\1`", t)
	t = re.sub(r"\\ ", "", t)
	return t

DROP_DIRECTIVES = ("only", "contents", "index", "highlight", "testsetup", "XXX", "toctree")
CODE_DIRECTIVES = ("code-block", "doctest", "testcode", "sourcecode")

def py_body(lines):
	out = []
	blocks, i = [], 0
	# group into (indent, lines) runs: a directive or a "::" paragraph owns the indented run after it
	paras = []
	cur = []
	for l in lines + [""]:
		if l.strip():
			cur.append(l)
		else:
			if cur:
				paras.append(cur)
			cur = []
	ind = lambda b: min(len(l) - len(l.lstrip()) for l in b)
	k, lit = 0, None
	while k < len(paras):
		b = paras[k]
		d = re.match(r"^\.\. ([\w-]+|XXX)(::)?\s*(.*)$", b[0].strip())
		if ind(b) == 0 and d or (ind(b) == 0 and re.match(r"^\.\. ", b[0]) and not d):
			name = d.group(1) if d else "comment"
			inner = [l for l in b[1:]]
			k += 1
			while k < len(paras) and ind(paras[k]) > 0:
				inner += [""] + paras[k]; k += 1
			lit = None
			if name in DROP_DIRECTIVES or name.startswith("_") or name == "comment" or b[0].startswith(".. _"):
				continue
			inner = [l for l in inner if not re.match(r"^\s*:\w+:", l)]
			if name in CODE_DIRECTIVES:
				txt = [l for l in inner]
				n = min((len(l) - len(l.lstrip()) for l in txt if l.strip()), default=0)
				code = "\n".join(l[n:] for l in txt).strip("\n")
				out.append("```\n" + code + "\n```")
			else:
				# seealso, note: the text, with its first-line argument
				n = min((len(l) - len(l.lstrip()) for l in inner if l.strip()), default=0)
				sub = ([d.group(3)] if d and d.group(3) else []) + [l[n:] for l in inner]
				label = {"note": "Note: ", "seealso": "See also: "}.get(name, "")
				res = py_body(sub)
				out.append(label + res if res else label.rstrip(": "))
			continue
		if lit is not None and ind(b) > lit:
			# literal block after a "::" paragraph: everything indented deeper than its text
			code = list(b)
			k += 1
			while k < len(paras) and ind(paras[k]) > lit:
				code += [""] + paras[k]; k += 1
			n = ind(code[0:1] + [l for l in code if l.strip()])
			out.append("```\n" + "\n".join(l[n:] for l in code) + "\n```")
			lit = None
			continue
		lit = None
		k += 1
		if b[0].lstrip().startswith(">>>"):
			n = ind(b)
			out.append("```\n" + "\n".join(l[n:] for l in b) + "\n```")
			continue
		text = py_inline(prose(b))
		if text.endswith("::"):
			bullet = re.match(r"^(\s*(?:[*-]|\d+\.) )", b[-1])
			lit = len(bullet.group(1)) if bullet and len(b) == 1 else ind(b[-1:])
			if not bullet and ind(b) < lit:
				lit = ind(b)
			spaced = text[:-2] != text[:-2].rstrip()
			text = text[:-2].rstrip()
			if text and not spaced and not text.endswith(":"):
				text += ":"
		if text:
			out.append(text)
	return "\n\n".join(o for o in out if o)

def python(srcdir, outdir, used):
	for part in ("general", "programming", "library"):
		lines = open(os.path.join(srcdir, part + ".rst.txt")).read().split("\n")
		items, section, cur = [], None, None
		i = 0
		while i < len(lines):
			l, nxt = lines[i], (lines[i + 1] if i + 1 < len(lines) else "")
			if l.strip() and re.match(r"^([-=])\1+$", nxt) and len(nxt) >= len(l.rstrip()) - 1 \
					and not re.match(r"^=+$", l):
				if nxt[0] == "=":
					section, cur = l.strip(), None
				else:
					cur = [section, l.strip(), []]
					items.append(cur)
				i += 2
				continue
			if cur is not None:
				cur[2].append(l)
			i += 1
		for section, title, body in items:
			title = re.sub(r"\s+", " ", py_inline(title).replace("`", ""))
			slug = slugify("python", title, used)
			topics = "Python, %s, %s" % (part, section.lower())
			write(outdir, slug, title, topics, py_body(body), "python")

if __name__ == "__main__":
	gitfaq, pysrc, outdir = sys.argv[1:4]
	os.makedirs(outdir, exist_ok=True)
	used = set()
	git(gitfaq, outdir, used)
	python(pysrc, outdir, used)
