"""Figure helpers. Each takes ``ax=None``, returns the artists it drew and never calls ``plt.show()``."""
