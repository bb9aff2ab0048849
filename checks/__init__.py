"""The property-based claim suite (``pytest checks``): simulations compared with the bounds."""
