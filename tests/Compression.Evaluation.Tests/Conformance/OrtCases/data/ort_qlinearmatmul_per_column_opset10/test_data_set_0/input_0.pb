BaJþ¶n›(TÒwV
f}OÄ»P–¬