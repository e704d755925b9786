"""Every write of the comprehensive window: halls, queue numbers, receptions, unified output."""
