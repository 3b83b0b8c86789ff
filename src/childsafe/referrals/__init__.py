"""Referrals to the authorities, one exporter per module (NCMEC CyberTipline XML, UK NCA
package). Nothing is ever sent from here: each export is what a platform would submit."""
