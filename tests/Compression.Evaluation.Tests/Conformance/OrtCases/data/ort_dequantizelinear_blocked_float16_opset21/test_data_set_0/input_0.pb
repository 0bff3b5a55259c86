BxJ
Jø&O&°gCJ