#!/usr/bin/env python3
# How tests/data/kb-heldout3/articles was made (run once by hand, not by the build):
#   apt-get download libcurl4-doc sqlite3-doc && dpkg -x libcurl4-doc_*.deb x && dpkg -x sqlite3-doc_*.deb x
#   python3 convert.py x/usr/share/doc/libcurl4/FAQ.gz x/usr/share/doc/sqlite3/faq.html articles/
# One Markdown file per question, with front matter. fixups() holds the corrections made after
# reading every article through; running this reproduces articles/ exactly.
import gzip, html, os, re, sys

SECTION_TOPICS = {
	"1": "curl, about curl", "2": "curl, installing", "3": "curl, usage",
	"4": "curl, errors", "5": "libcurl, programming", "6": "libcurl, licence",
	"7": "PHP, curl", "8": "curl, development",
}
STOP = set("a an the do does i my is are can how what why when where who to of with for in on "
	"and or not it you your from using use get me be by at this that there any doesn t s".split())

NICE = {"What is cURL?": "what-is-curl", "What is curl not?": "what-curl-is-not",
	"What is libcurl?": "what-is-libcurl", "What is PHP/CURL?": "what-is-php-curl",
	"How many are using curl?": "how-many-use-curl", "Who makes curl?": "who-makes-curl",
	"What do you get for making curl?": "what-do-you-get-for-making-curl"}

def slugify(prefix, title, used):
	if title in NICE:
		return prefix + "-" + NICE[title]
	words = [w for w in re.findall(r"[a-z0-9]+", title.lower()) if w not in STOP]
	slug = prefix + "-" + "-".join(words[:5])
	base, n = slug, 2
	while slug in used:
		slug = "%s-%d" % (base, n); n += 1
	used.add(slug)
	return slug

def write(outdir, slug, title, topics, body):
	with open(os.path.join(outdir, slug + ".md"), "w") as f:
		f.write("---\ntitle: %s\ntopics: %s\n---\n\n%s\n" % (title, topics, body.strip()))

def dedent_block(lines):
	ind = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
	return [l[ind:] for l in lines]

def curl_body(lines):
	# paragraphs at the base indent become text; deeper-indented blocks that look like
	# commands or code become fenced code; deeper-indented prose is kept as text
	lines = dedent_block(lines)
	out, block = [], []
	def flush():
		if not block:
			return
		ind = min(len(l) - len(l.lstrip()) for l in block)
		text = [l.strip() for l in block]
		codey = ind >= 2 and (any(re.match(r"^(curl |\$|#|[a-z_]+\(|CURL|\w+=|<|[{}]|char|int |--|-\w|/|http|ftp|[A-Z][A-Za-z-]+: )", t) for t in text)
			or any(t.endswith((";", "{", "}", "\\")) for t in text))
		if codey and not re.match(r"^(https?|ftp)://\S+$", text[0]) or (ind >= 2 and len(text) == 1 and " " not in text[0] and not text[0].startswith("http")):
			out.append("```\n" + "\n".join(l[ind:] for l in block) + "\n```")
		elif re.match(r"^\d+\. ", text[0]) or re.match(r"^- ", text[0]):
			out.append("\n".join(text))
		else:
			out.append(" ".join(text))
		block.clear()
	for l in lines:
		if not l.strip():
			flush()
		else:
			block.append(l.rstrip())
	flush()
	return "\n\n".join(out)

def curl(path, outdir, used):
	text = gzip.open(path, "rt").read().split("=" * 20, 1)[1]
	lines = text.split("\n")
	head = re.compile(r"^ {1,3}(\d+)\.(\d+)(\.\d+)? +(.*\S)\s*$")
	sect = re.compile(r"^(\d+)\. +\S")
	toc = set(re.findall(r"^ {1,3}(\d+\.\d+) ", gzip.open(path, "rt").read().split("=" * 20, 1)[0], re.M))
	items, cur, cursec = [], None, None
	for l in lines:
		m = head.match(l)
		num = m and m.group(1) + "." + m.group(2)
		if m and not m.group(3) and num in toc and m.group(1) == cursec:
			toc.discard(num)
			cur = [m.group(1), m.group(1) + "." + m.group(2), m.group(4), []]
			items.append(cur)
			continue
		if sect.match(l):
			cur, cursec = None, sect.match(l).group(1)
			continue
		if cur is not None:
			if m:  # 4.5.x: a sub-heading inside 4.5
				cur[3].append("\n" + m.group(4).strip('"') + "\n")
				continue
			cur[3].append(l)
	n = 0
	for sec, num, title, body in items:
		lines = "\n".join(body).split("\n")
		md = curl_body(lines)
		md = re.sub(r"\n\n(\d{3} [A-Z][^\n]*)\n\n", r"\n\n## \1\n\n", md)
		slug = slugify("curl", title, used)
		write(outdir, slug, title, SECTION_TOPICS[sec], md)
		n += 1
	return n

def sqlite_inline(s):
	s = re.sub(r"<a [^>]*>(.*?)</a>", r"\1", s, flags=re.S)
	s = re.sub(r"</?(b|i|u|tt|em|strong|span|font)[^>]*>", "", s)
	return s

def sqlite(path, outdir, used):
	doc = open(path, encoding="utf-8").read()
	parts = re.split(r'<a name="q\d+"></a>', doc)[1:]
	n = 0
	for p in parts:
		m = re.search(r"<p><b>\(\d+\)\s*(.*?)</b></p>", p, re.S)
		title = html.unescape(re.sub(r"\s+", " ", sqlite_inline(m.group(1)))).strip()
		body = p[m.end():]
		body = re.split(r"</li>\s*(</ol>|$)", body)[0]
		pres = []
		def keep(mm):
			pres.append(html.unescape(re.sub(r"<[^>]+>", "", mm.group(1))).strip("\n"))
			return "\n\n@@PRE%d@@\n\n" % (len(pres) - 1)
		body = re.sub(r"<pre>(.*?)</pre>", keep, body, flags=re.S)
		body = sqlite_inline(body)
		body = re.sub(r"<li>", "\n- ", body)
		body = re.sub(r"</?(p|blockquote|ul|ol|li|br|div)[^>]*>", "\n\n", body)
		body = re.sub(r"<[^>]+>", "", body)
		body = html.unescape(body)
		paras = []
		for para in re.split(r"\n\s*\n", body):
			para = para.strip()
			if not para:
				continue
			mm = re.match(r"^@@PRE(\d+)@@$", para)
			if mm:
				paras.append("```\n" + pres[int(mm.group(1))] + "\n```")
			elif para.startswith("- "):
				paras.append(re.sub(r"\s+", " ", para))
			else:
				paras.append(re.sub(r"\s+", " ", para))
		md = "\n\n".join(paras)
		md = re.sub(r"\n\n(- [^\n]*)(?=\n\n- )", r"\n\n\1", md)
		slug = slugify("sqlite", title, used)
		write(outdir, slug, title, "SQLite", md)
		n += 1
	return n

def fixups(outdir):
	import glob
	for p in glob.glob(os.path.join(outdir, "*.md")):
		base = os.path.basename(p)
		for dup in ("curl-curl-", "sqlite-sqlite-"):  # "curl-curl-c89" -> "curl-c89"
			if base.startswith(dup):
				new = os.path.join(outdir, base[len(dup.split("-")[0]) + 1:])
				os.rename(p, new)
				p = new
		s = open(p).read()
		head, body = s.split("---\n\n", 1)
		out, infence = [], False
		for para in body.rstrip("\n").split("\n\n"):
			if para.count("```") % 2 == 1:
				infence = not infence
			if not infence and "```" not in para:
				lines = para.split("\n")
				if len(lines) == 1 and re.match(r"^(curl |file:)", lines[0]) and not (
						len(lines[0].split()) > 8 and re.search(r"[a-z]\.( |$)", lines[0])):
					para = "```\n" + lines[0] + "\n```"  # a lone command line
				elif len(lines) > 1 and re.match(r"^(- |\d+\. )", lines[0]):
					j = [lines[0]]  # list items: join their continuation lines
					for l in lines[1:]:
						if re.match(r"^(- |\d+\. )", l):
							j.append(l)
						else:
							j[-1] += " " + l
					para = "\n".join(j)
			out.append(para)
		body = "\n\n".join(out) + "\n"
		# prose the converter took for code, a line the curl FAQ wraps at "4.12", 4.5's sub-questions
		body = re.sub(r"```\n(curl (supports|is not)[^\n]*)\n```", r"\1", body)
		body = body.replace("as explained in FAQ entry\n\nand the SSLCERTS document\n\n(https",
			"as explained in FAQ entry 4.12 and the SSLCERTS document (https")
		body = re.sub(r'\n4\.5\.\d "([^"]+)"\n', r"\n## \1\n", body)
		body = body.replace("```\nit might be because you requested a directory URL but without the trailing\n"
			"slash. Try the same operation again _with_ the trailing URL, or use the\n"
			"-L/--location option to follow the redirection.\n```",
			"it might be because you requested a directory URL but without the trailing slash. Try the "
			"same operation again *with* the trailing URL, or use the -L/--location option to follow the "
			"redirection.")
		# a relative link of the SQLite docs, and a code block's stray indentation
		body = body.replace("See limits.html for a full discussion",
			"See the limits page (https://sqlite.org/limits.html) for a full discussion")
		body = body.replace("```\n    INSERT INTO xyz VALUES('5 O''clock');\n  \n```",
			"```\nINSERT INTO xyz VALUES('5 O''clock');\n```")
		open(p, "w").write(head + "---\n\n" + body)

if __name__ == "__main__":
	curl_faq, sqlite_faq, outdir = sys.argv[1:4]
	os.makedirs(outdir, exist_ok=True)
	used = set()
	print("curl", curl(curl_faq, outdir, used), "sqlite", sqlite(sqlite_faq, outdir, used))
	fixups(outdir)
